import { sql, type RawBuilder } from 'kysely';
import type { DialectKind } from '../database.js';

/**
 * The database refuses to change or remove audit rows, whoever asks: the application cannot
 * rewrite history even through a bug. (A separate PostgreSQL role without UPDATE and DELETE
 * rights comes later; the trigger holds for every role but the table owner dropping it.)
 */
export function auditAppendOnlyStatements(dialect: DialectKind): RawBuilder<unknown>[] {
  if (dialect === 'sqlite') {
    return [
      sql`create trigger audit_log_no_update before update on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`,
      sql`create trigger audit_log_no_delete before delete on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`,
    ];
  }
  return [
    sql`create or replace function castellan_audit_append_only() returns trigger
        language plpgsql as $$
        begin
          raise exception 'audit_log is append-only' using errcode = 'P0001';
        end
        $$`,
    sql`create trigger audit_log_no_change before update or delete on audit_log
        for each row execute function castellan_audit_append_only()`,
    sql`create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function castellan_audit_append_only()`,
  ];
}

/** Undoes auditAppendOnlyStatements, for a migration down. */
export function dropAuditAppendOnlyStatements(dialect: DialectKind): RawBuilder<unknown>[] {
  if (dialect === 'sqlite') {
    return [
      sql`drop trigger if exists audit_log_no_update`,
      sql`drop trigger if exists audit_log_no_delete`,
    ];
  }
  return [
    sql`drop trigger if exists audit_log_no_change on audit_log`,
    sql`drop trigger if exists audit_log_no_truncate on audit_log`,
    sql`drop function if exists castellan_audit_append_only()`,
  ];
}
