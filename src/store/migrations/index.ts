import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectKind } from '../database.js';
import { initialMigration } from './0001-initial.js';
import { auditEvidenceMigration } from './0003-audit-evidence.js';
import { accessMigration } from './0004-access.js';
import { guardAndPolicyMigration } from './0005-guard-and-policy.js';
import { packsMigration } from './0007-packs.js';
import { approvalsAndRecoveryMigration } from './0008-approvals-and-recovery.js';
import { auditTreeOrderMigration } from './0009-audit-tree-order.js';

/** Every migration, in order; names sort alphabetically, so keep the number prefix. */
function migrations(dialect: DialectKind): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0003-audit-evidence': auditEvidenceMigration(dialect),
    '0004-access': accessMigration(dialect),
    '0005-guard-and-policy': guardAndPolicyMigration(dialect),
    '0007-packs': packsMigration(dialect),
    '0008-approvals-and-recovery': approvalsAndRecoveryMigration(dialect),
    '0009-audit-tree-order': auditTreeOrderMigration(dialect),
  };
}

/** The in-code provider: migrations ship inside the bundle, not read from a folder at runtime. */
export function migrationProvider(dialect: DialectKind): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}

/** The migrator over `db`: Castellan's migrations and bookkeeping tables, in `schema`. */
export function castellanMigrator(
  db: Kysely<any>,
  dialect: DialectKind,
  schema: string | undefined,
): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: 'castellan_migration',
    migrationLockTableName: 'castellan_migration_lock',
    // Kysely looks the migration table up across all schemas unless told which one is ours.
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

/** Applies pending migrations; a no-op when the schema is current. */
export async function runMigrations(
  db: Kysely<any>,
  dialect: DialectKind,
  schema: string | undefined,
): Promise<void> {
  const { error } = await castellanMigrator(db, dialect, schema).migrateToLatest();
  if (error !== undefined) throw error;
}
