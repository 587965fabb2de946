import { ConnectorError } from '../errors.js';

const placeholder = /\{([A-Za-z_][A-Za-z0-9_-]{0,62})\}/g;

/** The text an argument contributes to argv; only strings, finite numbers and booleans qualify. */
function argumentText(name: string, args: Record<string, unknown>): string {
  const value = args[name];
  if (value === undefined)
    throw new ConnectorError('bad-args', `the command uses {${name}}, which was not given`);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new ConnectorError('bad-args', `{${name}} is not a finite number`);
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ConnectorError(
      'bad-args',
      `{${name}} must be a string, number or boolean to appear in a command`,
    );
  }
  const text = String(value);
  if (/[\0\r\n]/.test(text)) {
    throw new ConnectorError(
      'bad-args',
      `{${name}} holds a NUL or line break, which a command may not`,
    );
  }
  return text;
}

/**
 * Builds argv from a shell tool's command, replacing `{arg}` inside elements with the argument's
 * text. The arguments are model output, so attacker-controlled even after schema validation:
 * a value may not carry NUL or line breaks, may not turn an element into an option (an element
 * whose template does not start with '-' must not start with '-' once filled: `--help`,
 * `-e cmd`), and argv[0], the program, is never templated.
 */
export function buildArgv(command: readonly string[], args: Record<string, unknown>): string[] {
  return command.map((template, index) => {
    placeholder.lastIndex = 0;
    if (!placeholder.test(template)) return template;
    if (index === 0)
      throw new ConnectorError('bad-args', 'the program of a shell tool may not be templated');
    const filled = template.replace(placeholder, (_match, name: string) =>
      argumentText(name, args),
    );
    if (filled.startsWith('-') && !template.startsWith('-')) {
      throw new ConnectorError(
        'bad-args',
        `argument ${index} would start with '-' and be read as an option: refused`,
        {
          details: { element: index },
        },
      );
    }
    return filled;
  });
}
