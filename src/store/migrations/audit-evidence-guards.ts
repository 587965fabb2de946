import { sql, type RawBuilder } from 'kysely';
import type { DialectKind } from '../database.js';

/** The PostgreSQL role audit appends run as: it may read and insert evidence, nothing more. */
export const AUDIT_WRITER_ROLE = 'castellan_audit_writer';

const frozen = ['audit_tree', 'audit_checkpoints', 'audit_blob_refs'];
const evidence = ['audit_log', ...frozen, 'audit_blobs'];

/**
 * The database keeps the evidence tables append-only, as it does audit_log: tree nodes,
 * checkpoints and blob references never change. A blob may lose its content (pruning past
 * retention) and nothing else: its digest, class and size stay, and it is never deleted.
 */
export function auditEvidenceGuards(dialect: DialectKind): RawBuilder<unknown>[] {
  return dialect === 'sqlite' ? sqliteGuards() : postgresGuards();
}

/**
 * The triggers that refuse UPDATE and DELETE (and, in PostgreSQL, TRUNCATE) on one evidence
 * table, for a migration that rebuilds it. PostgreSQL's trigger function must exist already.
 */
export function frozenTableGuards(dialect: DialectKind, table: string): RawBuilder<unknown>[] {
  if (dialect === 'sqlite') {
    return [
      sql.raw(`create trigger ${table}_no_update before update on ${table}
               begin select raise(abort, '${table} is append-only'); end`),
      sql.raw(`create trigger ${table}_no_delete before delete on ${table}
               begin select raise(abort, '${table} is append-only'); end`),
    ];
  }
  return [
    sql.raw(`create trigger ${table}_no_change before update or delete on ${table}
             for each row execute function castellan_audit_evidence_append_only()`),
    sql.raw(`create trigger ${table}_no_truncate before truncate on ${table}
             for each statement execute function castellan_audit_evidence_append_only()`),
  ];
}

/** Grants the audit writer role this schema's evidence tables again (after a rebuild). */
export function writerRoleGrants(dialect: DialectKind): RawBuilder<unknown>[] {
  return dialect === 'postgres' ? writerRoleStatements() : [];
}

function sqliteGuards(): RawBuilder<unknown>[] {
  const statements = frozen.flatMap((table) => frozenTableGuards('sqlite', table));
  statements.push(
    sql`create trigger audit_blobs_prune_only before update on audit_blobs
        when new.org_id is not old.org_id or new.digest is not old.digest
          or new.class is not old.class or new.bytes is not old.bytes
          or new.created_at is not old.created_at
          or (new.content is not null and new.content is not old.content)
        begin select raise(abort, 'audit_blobs is append-only: only pruning may clear content'); end`,
    sql`create trigger audit_blobs_no_delete before delete on audit_blobs
        begin select raise(abort, 'audit_blobs is append-only'); end`,
  );
  return statements;
}

function postgresGuards(): RawBuilder<unknown>[] {
  const statements: RawBuilder<unknown>[] = [
    sql`create or replace function castellan_audit_evidence_append_only() returns trigger
        language plpgsql as $$
        begin
          raise exception '% is append-only', tg_table_name using errcode = 'P0001';
        end
        $$`,
    sql`create or replace function castellan_audit_blob_prune_only() returns trigger
        language plpgsql as $$
        begin
          if tg_op = 'DELETE' or new.org_id is distinct from old.org_id
             or new.digest is distinct from old.digest or new.class is distinct from old.class
             or new.bytes is distinct from old.bytes or new.created_at is distinct from old.created_at
             or (new.content is not null and new.content is distinct from old.content) then
            raise exception 'audit_blobs is append-only: only pruning may clear content'
              using errcode = 'P0001';
          end if;
          return new;
        end
        $$`,
    sql`create trigger audit_blobs_prune_only before update or delete on audit_blobs
        for each row execute function castellan_audit_blob_prune_only()`,
  ];
  for (const table of frozen) statements.push(...frozenTableGuards('postgres', table));
  statements.push(...writerRoleStatements());
  return statements;
}

// Roles belong to the cluster, not the schema: create the role once (tolerating a concurrent
// creator), then grant it this schema's evidence tables. A migrating user without CREATEROLE
// leaves the role absent; appends then run as the connected user and the triggers still hold.
function writerRoleStatements(): RawBuilder<unknown>[] {
  return [
    sql.raw(`do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${AUDIT_WRITER_ROLE}') then
          create role ${AUDIT_WRITER_ROLE} nologin;
        end if;
      exception
        when duplicate_object or unique_violation then null;
        when insufficient_privilege then
          raise notice 'cannot create role ${AUDIT_WRITER_ROLE}: appends run as the connected user';
      end
      $$`),
    sql.raw(`do $$
      begin
        if exists (select 1 from pg_roles where rolname = '${AUDIT_WRITER_ROLE}') then
          execute format('grant usage on schema %I to ${AUDIT_WRITER_ROLE}', current_schema());
          execute 'grant select, insert on ${evidence.join(', ')} to ${AUDIT_WRITER_ROLE}';
          execute 'revoke update, delete, truncate on ${evidence.join(', ')} from ${AUDIT_WRITER_ROLE}';
          if not pg_has_role(current_user, '${AUDIT_WRITER_ROLE}', 'MEMBER') then
            execute format('grant ${AUDIT_WRITER_ROLE} to %I', current_user);
          end if;
        end if;
      exception
        when insufficient_privilege then
          raise notice 'cannot grant ${AUDIT_WRITER_ROLE}: appends run as the connected user';
      end
      $$`),
  ];
}

/** Undoes auditEvidenceGuards (the role stays: other schemas may use it). */
export function dropAuditEvidenceGuards(dialect: DialectKind): RawBuilder<unknown>[] {
  if (dialect === 'sqlite') {
    return [
      ...frozen.flatMap((table) => [
        sql.raw(`drop trigger if exists ${table}_no_update`),
        sql.raw(`drop trigger if exists ${table}_no_delete`),
      ]),
      sql`drop trigger if exists audit_blobs_prune_only`,
      sql`drop trigger if exists audit_blobs_no_delete`,
    ];
  }
  return [
    ...frozen.flatMap((table) => [
      sql.raw(`drop trigger if exists ${table}_no_change on ${table}`),
      sql.raw(`drop trigger if exists ${table}_no_truncate on ${table}`),
    ]),
    sql`drop trigger if exists audit_blobs_prune_only on audit_blobs`,
    sql`drop function if exists castellan_audit_evidence_append_only()`,
    sql`drop function if exists castellan_audit_blob_prune_only()`,
  ];
}
