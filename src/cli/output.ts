import type { AuditEntry } from '../audit/index.js';
import type { RunView } from '../api/index.js';
import type { ApprovalRecord, StepRecord } from '../store/index.js';

/** Where and how a command prints: JSON for machines, short lines for people. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {}

  private get colour(): boolean {
    return !this.json && this.stream.isTTY === true;
  }

  /** Prints a value as one JSON document (JSON mode only). */
  data(value: unknown): void {
    if (this.json) this.stream.write(`${JSON.stringify(value)}\n`);
  }

  /** Prints a line for people (human mode only). */
  line(text = ''): void {
    if (!this.json) this.stream.write(`${text}\n`);
  }

  /** Wraps text in a colour on a TTY. */
  paint(text: string, colour: 'green' | 'red' | 'yellow' | 'dim' | 'bold'): string {
    if (!this.colour) return text;
    const codes = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 } as const;
    return `\u001b[${codes[colour]}m${text}\u001b[0m`;
  }

  /** A run and its steps, one line per step. */
  run(view: RunView): void {
    const { run } = view;
    this.line(
      `${this.paint(run.id, 'bold')}  agent ${run.agentId}  for ${run.requestedBy}  ${this.status(run.status)}${run.tainted ? this.paint('  tainted', 'yellow') : ''}`,
    );
    for (const step of view.steps) this.line(`  ${this.step(step)}`);
    if (run.reason !== null) this.line(`  ${this.paint(run.reason, 'dim')}`);
  }

  /** One step as a line. */
  step(step: StepRecord): string {
    const decision = step.decision as { reason?: string; policyIds?: string[] } | null;
    const extra =
      step.status === 'denied'
        ? ` ${decision?.reason ?? ''}${decision?.policyIds?.length ? ` [${decision.policyIds.join(', ')}]` : ''}`
        : step.status === 'awaiting_approval'
          ? ` approval ${step.approvalId ?? ''}`
          : step.status === 'succeeded'
            ? `  ${this.paint(summariseResult(step.result), 'dim')}`
            : '';
    return `#${step.index} ${step.tool} ${this.status(step.status)}${extra}`;
  }

  /** An approval request as a line. */
  approval(approval: ApprovalRecord): string {
    return `${approval.id}  ${this.status(approval.status)}  ${approval.tool} ${JSON.stringify(approval.args)}  run ${approval.runId}  requested by ${approval.requestedBy}  needs ${approval.quorum}× ${approval.approverRole}`;
  }

  /** An audit entry as a line. */
  entry(entry: AuditEntry): string {
    const who = [entry.actor.user, entry.actor.agent, entry.actor.service]
      .filter(Boolean)
      .join('/');
    return `${String(entry.seq).padStart(5)}  ${entry.time}  ${entry.type.padEnd(26)} ${who}${entry.tool ? `  ${entry.tool}` : ''}`;
  }

  private status(status: string): string {
    const colour = ['completed', 'succeeded', 'approved'].includes(status)
      ? 'green'
      : ['denied', 'failed', 'expired', 'cancelled'].includes(status)
        ? 'red'
        : 'yellow';
    return this.paint(status, colour);
  }
}

/** A short, single-line glimpse of a step's result for people. */
function summariseResult(result: unknown): string {
  const text = JSON.stringify(result) ?? '';
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}
