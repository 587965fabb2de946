/** Reads `--name value` pairs from argv; unknown flags are an error so typos do not pass silently. */
export function readFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 2) {
    const flag = argv[index] ?? '';
    const value = argv[index + 1];
    const name = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || !known.includes(name) || value === undefined) {
      throw new Error(
        `unknown or incomplete flag ${flag}; known: ${known.map((each) => `--${each}`).join(' ')}`,
      );
    }
    flags.set(name, value);
  }
  return flags;
}

/** A non-negative integer flag, or its default. */
export function integerFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const text = flags.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

/** A line-oriented log writer: `<ISO time> <LEVEL> <source>: <message>`. */
export function logLine(level: 'INFO' | 'WARN' | 'ERROR', source: string, message: string): string {
  return `${new Date().toISOString()} ${level} ${source}: ${message}\n`;
}
