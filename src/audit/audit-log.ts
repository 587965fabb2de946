import { CastellanError, systemClock, type Clock } from '../core/index.js';
import type { AuditRow, Store } from '../store/index.js';
import { hashEntry, withoutUndefined } from './chain.js';
import { GENESIS_HASH, type AuditEntry, type AuditEvent } from './entry.js';

export type AuditErrorCode = 'append-failed' | 'corrupt-row';

/** Errors of the audit room. An append failure must stop the action it would have recorded. */
export class AuditError extends CastellanError<AuditErrorCode> {
  constructor(code: AuditErrorCode, message: string, cause?: unknown) {
    super('audit', code, 'unavailable', message, { cause });
  }
}

/** The append side of the audit log for one organisation. */
export class AuditLog {
  constructor(
    private readonly store: Pick<Store, 'audit'>,
    readonly orgId: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Appends one event and returns the stored entry. Throws AuditError when the entry cannot be
   * written: callers must treat that as "the action does not happen".
   */
  async append(event: AuditEvent): Promise<AuditEntry> {
    let entry: AuditEntry | undefined;
    try {
      await this.store.audit.append(this.orgId, (tail) => {
        entry = withoutUndefined({
          ...event,
          seq: (tail?.seq ?? 0) + 1,
          time: this.clock.now().toISOString(),
          orgId: this.orgId,
          prevHash: tail?.hash ?? GENESIS_HASH,
        });
        const row: AuditRow = {
          orgId: this.orgId,
          seq: entry.seq,
          entry: entry as unknown as Record<string, unknown>,
          prevHash: entry.prevHash,
          hash: hashEntry(entry),
        };
        return row;
      });
    } catch (error) {
      throw new AuditError('append-failed', `audit log unwritable: ${describe(error)}`, error);
    }
    if (entry === undefined) throw new AuditError('append-failed', 'audit append built no entry');
    return entry;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
