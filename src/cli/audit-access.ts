import type { Command } from 'commander';
import { ApiError, CastellanService, type AuditService } from '../api/index.js';
import { readEnvironment } from '../config/index.js';
import type { UserRecord } from '../store/index.js';
import { globals } from './context.js';
import type { Output } from './output.js';

/**
 * Runs an evidence command (proof, consistency, checkpoint, export, prune, holds) on the local
 * home as the `--as` user. These read the store and the audit key directly; over `--server`
 * they are refused with a clear message rather than half-done.
 */
export async function withAuditService<T>(
  command: Command,
  work: (auditing: AuditService, actor: UserRecord, output: Output) => Promise<T>,
): Promise<T> {
  const { options, home, output } = globals(command);
  if ((options.server ?? readEnvironment().serverUrl) !== undefined) {
    throw new ApiError(
      'bad-input',
      `castellan audit ${command.name()} works on the local home (--home); it is not offered over --server`,
    );
  }
  if (options.as === undefined)
    throw new ApiError('bad-input', 'this command acts as a user: pass --as USER');
  const service = await CastellanService.open(home);
  try {
    const actor = await service.localUser(options.as);
    return await work(service.auditing, actor, output);
  } finally {
    await service.close();
  }
}
