import { ApiError } from '../api/index.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses `90`, `90s`, `15m`, `12h` or `30d` (a command-line value) into whole seconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^([0-9]{1,7})([smhd]?)$/.exec(text.trim());
  if (match === null) {
    throw new ApiError(
      'bad-input',
      `${option} ${JSON.stringify(text)}: write 90, 90s, 15m, 12h or 30d`,
    );
  }
  const [, amount = '0', unit = ''] = match;
  return Number(amount) * (UNITS[unit === '' ? 's' : unit] ?? 1);
}
