export { CastellanError, isCastellanError, describeError } from './errors.js';
export type { ErrorKind } from './errors.js';
export { canonicalJson } from './canonical-json.js';
export { sha256Hex, digestOf } from './digest.js';
export { newId, newSecret } from './ids.js';
export { systemClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export { jsonDiff, jsonEqual, pickPaths } from './json-diff.js';
export type { JsonChange } from './json-diff.js';
