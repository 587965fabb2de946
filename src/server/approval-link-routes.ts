import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LINK_PATH, MAX_LINK_TOKEN_LENGTH } from '../approvals/index.js';
import type { CastellanService } from '../api/index.js';
import { openResponse, responses } from './json-schemas.js';
import { ServerError } from './errors.js';

const reasonSchema = z.object({ reason: z.string().max(2000).optional() }).strict();

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// The token is the wildcard of the path: attacker-controlled, bounded here and checked (shape,
// signature, expiry, single use) by the approvals room before anything is read or decided.
function tokenOf(request: FastifyRequest): string {
  const token = (request.params as { '*'?: unknown })['*'];
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_LINK_TOKEN_LENGTH) {
    throw new ServerError('bad-params', 'the decision link is malformed');
  }
  return token;
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return (
    accept.includes('text/html') ||
    request.headers['content-type'] === 'application/x-www-form-urlencoded'
  );
}

function page(reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    )
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40em;margin:2em auto">${body}</body></html>`,
    );
}

/**
 * Registers the one-time decision links, outside `/v1` and without a bearer token: the signed
 * link is the credential. GET only shows what the link would do (chat apps and mail scanners
 * open links on their own); the decision needs a POST, from the page's button or a client.
 */
export async function registerApprovalLinkRoutes(
  app: FastifyInstance,
  service: CastellanService,
): Promise<void> {
  await app.register(async (scope) => {
    // The confirmation page posts a plain HTML form; only here is that body type accepted.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    const path = `${LINK_PATH}*`;
    const tags = ['approvals'];

    scope.get(
      path,
      {
        schema: {
          summary: 'What a one-time decision link would do (does not decide)',
          tags,
          security: [],
          response: responses({ 200: openResponse('the approval, approver and decision') }),
        },
      },
      async (request, reply) => {
        const view = await service.approvalWork.viewLink(tokenOf(request));
        if (!wantsHtml(request)) return view;
        const { approval } = view;
        const verb = view.decision === 'approve' ? 'Approve' : 'Deny';
        return page(
          reply,
          `${verb} ${approval.tool}`,
          `<h1>${verb} as ${escapeHtml(view.approver)}?</h1>
<p><b>${escapeHtml(approval.tool)}</b> in run ${escapeHtml(approval.runId)}, step ${approval.stepIndex}</p>
<p>Why approval is needed: ${escapeHtml(approval.reason)}</p>
<pre>${escapeHtml(JSON.stringify(approval.args, null, 2))}</pre>
<pre>${escapeHtml(JSON.stringify(approval.details?.change ?? null, null, 2))}</pre>
<p>Status: ${escapeHtml(approval.status)}; the link works once, until ${escapeHtml(view.expiresAt)}.</p>
<form method="post"><input name="reason" placeholder="reason (optional)" maxlength="2000"> <button type="submit">${verb}</button></form>`,
        );
      },
    );

    scope.post(
      path,
      {
        schema: {
          summary: 'Decide through a one-time link; a settled request resumes its run',
          tags,
          security: [],
          response: responses({ 200: openResponse('the decision, the approval and its run') }),
        },
      },
      async (request, reply) => {
        const token = tokenOf(request);
        const parsed = reasonSchema.safeParse(request.body ?? {});
        if (!parsed.success) throw new ServerError('bad-body', 'the body may hold only a reason');
        const outcome = await service.approvalWork.decideByLink(
          token,
          parsed.data.reason ?? null,
          'background',
        );
        const result = {
          status: outcome.status,
          approval: outcome.approval,
          decision: outcome.decision,
          runId: outcome.approval.runId,
        };
        if (!wantsHtml(request)) return result;
        return page(
          reply,
          'Decision recorded',
          `<h1>Recorded: ${escapeHtml(outcome.decision.decision)} by ${escapeHtml(outcome.decision.approver)}</h1><p>The request is now ${escapeHtml(outcome.status)}.</p>`,
        );
      },
    );
  });
}
