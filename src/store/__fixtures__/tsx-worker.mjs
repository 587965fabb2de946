// Runs a TypeScript worker script: worker threads do not inherit the test runner's loader.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.script);
