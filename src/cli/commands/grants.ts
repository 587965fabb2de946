import type { Command } from 'commander';
import type { GrantRecord, ScopeRequestRecord, ScopeRequestStatus } from '../../store/index.js';
import { withBackend } from '../context.js';
import { parseDuration } from '../durations.js';
import { exitCodeForRun } from '../exit-codes.js';

/** `castellan grants list|request|approve|deny|revoke`. */
export function registerGrants(program: Command): void {
  const grants = program
    .command('grants')
    .description('standing and just-in-time scope grants, and the requests for them');
  grants
    .command('list')
    .option('--agent <agent>', 'only this agent')
    .option('--run <run>', 'only this run')
    .option('--status <statuses>', 'requests with these statuses (default pending)', 'pending')
    .option('--all', 'every grant and request, expired and revoked included')
    .action(
      async (
        options: { agent?: string; run?: string; status: string; all?: boolean },
        command: Command,
      ) => {
        await withBackend(command, async (backend, output) => {
          const list = await backend.access.listGrants({
            ...(options.agent === undefined ? {} : { agent: options.agent }),
            ...(options.run === undefined ? {} : { run: options.run }),
            active: options.all !== true,
          });
          const requests = await backend.access.listRequests({
            ...(options.run === undefined ? {} : { run: options.run }),
            ...(options.all === true
              ? {}
              : { status: options.status.split(',') as ScopeRequestStatus[] }),
          });
          output.data({ grants: list, requests });
          output.line(output.paint('grants', 'bold'));
          for (const grant of list) output.line(`  ${grantLine(grant)}`);
          if (list.length === 0) output.line('  none');
          output.line(output.paint('requests', 'bold'));
          for (const request of requests) output.line(`  ${requestLine(request)}`);
          if (requests.length === 0) output.line('  none');
        });
      },
    );
  grants
    .command('request')
    .requiredOption('--scope <scope>', 'e.g. itops:service.restart:web-1')
    .requiredOption('--reason <text>', 'why it is needed')
    .option('--agent <agent>', 'a standing grant for this agent')
    .option('--run <run>', 'a just-in-time grant for this run')
    .option('--resource <resource>', 'the resource it is for, for the approver to read')
    .option('--env <environment>', 'dev, staging or prod (default: the agent’s)')
    .option('--duration <duration>', 'how long: 15m, 12h, 7d')
    .action(
      async (
        options: {
          scope: string;
          reason: string;
          agent?: string;
          run?: string;
          resource?: string;
          env?: string;
          duration?: string;
        },
        command: Command,
      ) => {
        await withBackend(command, async (backend, output) => {
          const request = await backend.access.requestScope({
            scope: options.scope,
            reason: options.reason,
            ...(options.agent === undefined ? {} : { agent: options.agent }),
            ...(options.run === undefined ? {} : { run: options.run }),
            ...(options.resource === undefined ? {} : { resource: options.resource }),
            ...(options.env === undefined ? {} : { environment: options.env }),
            ...(options.duration === undefined
              ? {}
              : { durationSeconds: parseDuration(options.duration, '--duration') }),
          });
          output.data(request);
          output.line(requestLine(request));
        });
      },
    );
  grants
    .command('approve')
    .argument('<request>', 'scope request id (scr_...)')
    .option('--scope <scope>', 'grant a narrower scope than asked')
    .option('--duration <duration>', 'grant for a shorter time than asked')
    .option('--reason <text>', 'why')
    .action(
      async (
        requestId: string,
        options: { scope?: string; duration?: string; reason?: string },
        command: Command,
      ) => {
        process.exitCode = await decide(command, requestId, {
          decision: 'approve',
          ...(options.scope === undefined ? {} : { scope: options.scope }),
          ...(options.duration === undefined
            ? {}
            : { durationSeconds: parseDuration(options.duration, '--duration') }),
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        });
      },
    );
  grants
    .command('deny')
    .argument('<request>', 'scope request id (scr_...)')
    .option('--reason <text>', 'why')
    .action(async (requestId: string, options: { reason?: string }, command: Command) => {
      process.exitCode = await decide(command, requestId, {
        decision: 'deny',
        ...(options.reason === undefined ? {} : { reason: options.reason }),
      });
    });
  grants
    .command('revoke')
    .argument('<grant>', 'grant id (grt_...)')
    .requiredOption('--reason <text>', 'why')
    .action(async (grantId: string, options: { reason: string }, command: Command) => {
      await withBackend(command, async (backend, output) => {
        const grant = await backend.access.revokeGrant(grantId, options.reason);
        output.data(grant);
        output.line(grantLine(grant));
      });
    });
}

async function decide(
  command: Command,
  requestId: string,
  decision: Record<string, unknown>,
): Promise<number> {
  return withBackend(command, async (backend, output) => {
    const decided = await backend.access.decideRequest(requestId, decision);
    output.data(decided);
    output.line(requestLine(decided.request));
    if (decided.run !== undefined) {
      output.line(
        `run ${decided.run.id} is now ${decided.run.status}${decided.run.reason ? `: ${decided.run.reason}` : ''}`,
      );
      return exitCodeForRun(decided.run.status) === 4 ? 4 : 0;
    }
    return 0;
  });
}

function grantLine(grant: GrantRecord): string {
  const state =
    grant.revokedAt !== null ? `revoked by ${grant.revokedBy ?? '?'}` : `until ${grant.expiresAt}`;
  const scope = grant.kind === 'jit' ? `run ${grant.runId ?? '?'}` : grant.environment;
  return `${grant.id}  ${grant.kind.padEnd(8)} ${grant.agentId} ${grant.scopes.join(' ')}  ${scope}  ${state}  approved by ${grant.approvedBy}`;
}

function requestLine(request: ScopeRequestRecord): string {
  const target = request.runId === null ? `agent ${request.agentId}` : `run ${request.runId}`;
  const decided = request.decidedBy === null ? '' : ` by ${request.decidedBy}`;
  return `${request.id}  ${request.status}${decided}  ${request.scope}  ${target}  for ${request.durationSeconds}s  asked by ${request.requestedBy}: ${request.reason}`;
}
