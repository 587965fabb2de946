/**
 * The fake model server as a process (what the demo starts through the supervisor):
 *
 *   node --import tsx targets/fake-model/main.ts --fixtures a.json[,b.json] [--port 0]
 *
 * Prints one line `{"listening":"http://127.0.0.1:PORT"}` when ready; SIGTERM or SIGINT stop it.
 */
import { readFixtures } from './fixtures.js';
import { startFakeModelServer } from './fake-model-server.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? undefined : args[index + 1];
};
const fixtures = flag('fixtures');
if (fixtures === undefined) throw new Error('--fixtures <file[,file]> is required');
const server = await startFakeModelServer({
  fixtures: readFixtures(fixtures.split(',')),
  port: Number(flag('port') ?? '0'),
});
process.stdout.write(`${JSON.stringify({ listening: server.url })}\n`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
