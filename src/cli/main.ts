// The `castellan` executable: run the CLI and exit with its code.
import { runCli } from './program.js';

process.exit(await runCli(process.argv));
