import { PackVerifyError } from '../verify/errors.js';
import { archiveLimits } from './limits.js';

/**
 * Checks an entry path from an archive (attacker-controlled): relative, '/'-separated, no '.' or
 * '..' segment, no empty segment, no backslash or control character, bounded length and depth.
 * A path that could leave the pack folder when written out is a traversal; anything else odd is
 * a bad path.
 */
export function checkEntryPath(path: string): void {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw new PackVerifyError(
      'archive-path-traversal',
      `${JSON.stringify(path)} is an absolute path`,
    );
  }
  const segments = path.split('/');
  if (segments.some((segment) => segment === '..')) {
    throw new PackVerifyError(
      'archive-path-traversal',
      `${JSON.stringify(path)} climbs out of the pack with '..'`,
    );
  }
  if (/[\u0000-\u001f\u007f\\]/.test(path)) {
    throw new PackVerifyError(
      'archive-bad-path',
      `${JSON.stringify(path)} holds a control character or a backslash`,
    );
  }
  if (segments.some((segment) => segment === '' || segment === '.')) {
    throw new PackVerifyError(
      'archive-bad-path',
      `${JSON.stringify(path)} has an empty or '.' segment`,
    );
  }
  if (Buffer.byteLength(path) > archiveLimits.maxPathBytes) {
    throw new PackVerifyError(
      'archive-bad-path',
      `${JSON.stringify(path.slice(0, 80))}... is longer than ${archiveLimits.maxPathBytes} bytes`,
    );
  }
  if (segments.length > archiveLimits.maxPathDepth) {
    throw new PackVerifyError(
      'archive-bad-path',
      `${JSON.stringify(path)} is nested deeper than ${archiveLimits.maxPathDepth - 1} folders`,
    );
  }
}
