/**
 * A Castellan-like process that starts a supervised sleep and exits without stopping it; the
 * supervisor's exit hook must kill the sleep. Prints the sleep's pid and exits.
 */
import { createSupervisor } from '../index.js';

const seconds = process.argv[2] ?? '60';
const supervisor = createSupervisor();
const sleeper = await supervisor.start({ name: 'sleeper', command: ['/usr/bin/sleep', seconds] });
console.log(String(sleeper.pid));
process.exit(0);
