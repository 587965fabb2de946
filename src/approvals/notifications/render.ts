import type { ApprovalRecord } from '../../store/index.js';

/** A decision link pair made for one approver. */
export interface ApproverLinks {
  approver: string;
  approve: string;
  deny: string;
  expiresAt: string;
}

/** What a notification says: the request, and how each eligible approver can decide it. */
export interface NotificationContent {
  approval: ApprovalRecord;
  links: ApproverLinks[];
}

/** The webhook formats Castellan speaks. */
export type WebhookFormat = 'json' | 'slack' | 'teams';

const MAX_TEXT = 2800; // Slack's section text limit is 3000 characters

function clip(text: string, limit = MAX_TEXT): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function argsText(approval: ApprovalRecord): string {
  return clip(JSON.stringify(approval.args), 1000);
}

function changeText(approval: ApprovalRecord): string | undefined {
  const change = approval.details?.change as
    { diff?: Array<{ path: string; from?: unknown; to?: unknown; op: string }> } | undefined;
  if (change?.diff === undefined || change.diff.length === 0) return undefined;
  return clip(
    change.diff
      .slice(0, 20)
      .map(
        (each) =>
          `${each.path || '(whole)'}: ${JSON.stringify(each.from ?? null)} → ${JSON.stringify(each.to ?? null)}`,
      )
      .join('\n'),
    1500,
  );
}

function headline(approval: ApprovalRecord): string {
  return `Approval needed: ${approval.tool} (run ${approval.runId}, step ${approval.stepIndex})`;
}

function cliHint(approval: ApprovalRecord): string {
  return `castellan approvals show ${approval.id}`;
}

/** The generic JSON payload: every field a receiver may want, nothing formatted. */
export function renderJson(content: NotificationContent): Record<string, unknown> {
  const { approval } = content;
  return {
    type: 'approval-requested',
    approval: {
      id: approval.id,
      runId: approval.runId,
      stepIndex: approval.stepIndex,
      tool: approval.tool,
      args: approval.args,
      reason: approval.reason,
      approverRole: approval.approverRole,
      quorum: approval.quorum,
      requestedBy: approval.requestedBy,
      expiresAt: approval.expiresAt,
      details: approval.details ?? null,
    },
    links: content.links,
  };
}

/** A Slack incoming-webhook message: text for notifications, blocks with link buttons. */
export function renderSlack(content: NotificationContent): Record<string, unknown> {
  const { approval } = content;
  const fields = [
    `*Tool*\n${approval.tool}`,
    `*Requested by*\n${approval.requestedBy}`,
    `*Approvers*\n${approval.quorum} × ${approval.approverRole}`,
    `*Expires*\n${approval.expiresAt}`,
  ].map((text) => ({ type: 'mrkdwn', text }));
  const change = changeText(approval);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline(approval), 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*Why:* ${approval.reason}`) } },
    { type: 'section', fields },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Arguments*\n\`\`\`${argsText(approval)}\`\`\`` },
    },
  ];
  if (change !== undefined) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Change*\n\`\`\`${change}\`\`\`` },
    });
  }
  for (const links of content.links.slice(0, 10)) {
    blocks.push({
      type: 'actions',
      elements: [
        button(`Approve as ${links.approver}`, links.approve, 'primary'),
        button(`Deny as ${links.approver}`, links.deny, 'danger'),
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Or: \`${cliHint(approval)}\`` }],
  });
  return { text: headline(approval), blocks };
}

function button(text: string, url: string, style: 'primary' | 'danger'): Record<string, unknown> {
  return { type: 'button', text: { type: 'plain_text', text: clip(text, 75) }, url, style };
}

/** A Microsoft Teams message carrying an Adaptive Card (1.4) with facts and link actions. */
export function renderTeams(content: NotificationContent): Record<string, unknown> {
  const { approval } = content;
  const change = changeText(approval);
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: headline(approval) },
    { type: 'TextBlock', wrap: true, text: clip(`Why: ${approval.reason}`) },
    {
      type: 'FactSet',
      facts: [
        { title: 'Tool', value: approval.tool },
        { title: 'Arguments', value: argsText(approval) },
        { title: 'Requested by', value: approval.requestedBy },
        { title: 'Approvers', value: `${approval.quorum} × ${approval.approverRole}` },
        { title: 'Expires', value: approval.expiresAt },
      ],
    },
  ];
  if (change !== undefined) {
    body.push({ type: 'TextBlock', wrap: true, fontType: 'Monospace', text: change });
  }
  body.push({ type: 'TextBlock', wrap: true, isSubtle: true, text: `Or: ${cliHint(approval)}` });
  const actions = content.links.slice(0, 5).flatMap((links) => [
    { type: 'Action.OpenUrl', title: `Approve as ${links.approver}`, url: links.approve },
    { type: 'Action.OpenUrl', title: `Deny as ${links.approver}`, url: links.deny },
  ]);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
        },
      },
    ],
  };
}

/** The payload for a webhook of the given format. */
export function renderNotification(
  format: WebhookFormat,
  content: NotificationContent,
): Record<string, unknown> {
  switch (format) {
    case 'json':
      return renderJson(content);
    case 'slack':
      return renderSlack(content);
    case 'teams':
      return renderTeams(content);
  }
}
