import type { ApprovalRecord, Store } from '../../store/index.js';
import { issueLinkToken, type LinkSigner } from '../links.js';
import { holdsApproverRole, whyCannotDecide } from '../rules.js';
import type { ApproverLinks } from './render.js';

/** Where links point and how long they work. */
export interface LinkSettings {
  /** The server's public base URL; without one, notifications carry no links. */
  baseUrl?: string;
  ttlSeconds: number;
}

/** The path under the base URL where a decision link is served (no bearer token needed). */
export const LINK_PATH = '/links/approvals/';

/**
 * Decision links for every person who may decide this request now (the role, not disabled,
 * not the requester nor anyone with a stake, not yet decided), limited to `only` when a channel
 * names its users. Each link works once and expires at the earlier of its TTL and the request's.
 */
export async function approverLinks(
  store: Store,
  signer: LinkSigner,
  approval: ApprovalRecord,
  settings: LinkSettings,
  now: Date,
  only?: readonly string[],
): Promise<ApproverLinks[]> {
  if (settings.baseUrl === undefined) return [];
  const decisions = await store.approvals.decisions(approval.orgId, approval.id);
  const users = (await store.users.list(approval.orgId)).filter(
    (user) =>
      holdsApproverRole(user, approval.approverRole) &&
      whyCannotDecide(approval, user, decisions) === undefined &&
      (only === undefined || only.includes(user.id)),
  );
  const expiresMs = Math.min(
    now.getTime() + settings.ttlSeconds * 1000,
    new Date(approval.expiresAt).getTime(),
  );
  const exp = Math.floor(expiresMs / 1000);
  const base = settings.baseUrl.replace(/\/+$/, '');
  const links: ApproverLinks[] = [];
  for (const user of users) {
    const make = async (dec: 'approve' | 'deny') =>
      (
        await issueLinkToken(signer, {
          org: approval.orgId,
          apr: approval.id,
          usr: user.id,
          dec,
          exp,
        })
      ).token;
    links.push({
      approver: user.id,
      approve: `${base}${LINK_PATH}${await make('approve')}`,
      deny: `${base}${LINK_PATH}${await make('deny')}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    });
  }
  return links;
}
