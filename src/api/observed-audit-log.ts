import { AuditLog, type AuditEntry, type AuditEvent } from '../audit/index.js';
import type { RunActivityBus } from '../runtime/index.js';

/**
 * The audit log, announcing each committed entry of a run on the activity bus, so an event
 * stream in this process shows it at once instead of at its next poll. The announcement comes
 * after the commit: a stream never shows an entry the log does not hold.
 */
export class ObservedAuditLog extends AuditLog {
  constructor(
    store: ConstructorParameters<typeof AuditLog>[0],
    orgId: string,
    clock: ConstructorParameters<typeof AuditLog>[2],
    private readonly activity: RunActivityBus,
  ) {
    super(store, orgId, clock);
  }

  override async append(event: AuditEvent): Promise<AuditEntry> {
    const entry = await super.append(event);
    if (entry.runId !== undefined)
      this.activity.publish(entry.runId, {
        kind: 'audit-appended',
        seq: entry.seq,
        type: entry.type,
      });
    return entry;
  }
}
