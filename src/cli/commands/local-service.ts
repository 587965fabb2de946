import type { Command } from 'commander';
import { ApiError, CastellanService } from '../../api/index.js';
import type { UserRecord } from '../../store/index.js';
import { globals } from '../context.js';

/**
 * Runs a command on the local home's service, acting as `--as USER` (with that user's local
 * key): for operator commands that have no HTTP client yet (rollback, resume, sweep).
 */
export async function withLocalService<T>(
  command: Command,
  work: (service: CastellanService, actor: UserRecord) => Promise<T>,
): Promise<T> {
  const { options, home } = globals(command);
  if (options.server !== undefined)
    throw new ApiError('bad-input', 'this command acts on the local home; drop --server');
  if (options.as === undefined)
    throw new ApiError('bad-input', 'this command acts as a user: pass --as USER');
  const service = await CastellanService.open(home);
  try {
    return await work(service, await service.localUser(options.as));
  } finally {
    await service.close();
  }
}
