import type { Output } from './output.js';

/**
 * Prints a run's events as they stream: for people, one short line per event (model text as it
 * arrives, proposed calls, decisions, approvals, results); with --json, one JSON line each.
 */
export class RunEventPrinter {
  private streaming = false;

  constructor(
    private readonly output: Output,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  /** Handles one event; suitable as a RunEventListener. */
  readonly handle = (event: string, data: unknown): void => {
    if (this.output.json) {
      if (event !== 'audit') this.write(`${JSON.stringify({ event, data })}\n`);
      return;
    }
    const value = (data ?? {}) as Record<string, any>;
    switch (event) {
      case 'model-delta':
        if (!this.streaming) this.write(`  ${this.output.paint('model', 'dim')}: `);
        this.streaming = true;
        this.write(String(value.text ?? ''));
        return;
      case 'model-text':
        if (this.streaming) this.write('\n');
        else this.line(`  ${this.output.paint('model', 'dim')}: ${oneLine(value.text)}`);
        this.streaming = false;
        return;
      case 'proposed-call':
        this.line(
          value.refused !== undefined
            ? `  ${this.output.paint('✗', 'red')} malformed call to ${value.tool}: ${value.refused}`
            : `  → proposes ${value.tool} ${oneLine(JSON.stringify(value.args ?? {}))}${untrusted(value.provenance)}`,
        );
        return;
      case 'decision':
        this.line(
          value.effect === 'allow'
            ? `  ${this.output.paint('✓', 'green')} allowed ${value.tool}`
            : value.effect === 'needs-approval'
              ? `  ${this.output.paint('✋', 'yellow')} ${value.tool} needs approval`
              : `  ${this.output.paint('✗', 'red')} ${value.effect} ${value.tool}: ${(value.reasons ?? []).join('; ')}${value.policyIds?.length ? ` [${value.policyIds.join(', ')}]` : ''}`,
        );
        return;
      case 'approval':
        this.line(
          `  ${this.output.paint('✋', 'yellow')} ${value.type}${value.approvalId ? ` ${value.approvalId}` : ''}${value.approver ? ` by ${value.approver}` : ''}`,
        );
        return;
      case 'result':
        this.line(`  ← ${value.tool} ${value.ok ? 'succeeded' : 'failed'}`);
        return;
      case 'status':
        this.line(
          `  run ${value.id}: ${value.status}${value.reason ? ` (${oneLine(value.reason)})` : ''}`,
        );
        return;
      default:
        return;
    }
  };

  private line(text: string): void {
    if (this.streaming) this.write('\n');
    this.streaming = false;
    this.write(`${text}\n`);
  }
}

function oneLine(value: unknown): string {
  const text = String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function untrusted(provenance: Record<string, string> | undefined): string {
  const names = Object.entries(provenance ?? {})
    .filter(([, source]) => source === 'untrusted')
    .map(([name]) => name);
  return names.length === 0 ? '' : `  (from untrusted data: ${names.join(', ')})`;
}
