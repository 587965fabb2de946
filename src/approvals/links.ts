import { z } from 'zod';
import { newId } from '../core/index.js';
import { ApprovalError } from './errors.js';

/**
 * Signs and checks the bytes of a one-time decision link. The api room wires it to the
 * instance's Ed25519 key, so a link cannot be made without that key.
 */
export interface LinkSigner {
  sign(data: Uint8Array): Promise<Uint8Array>;
  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** What a decision link says: one approval, one approver, one decision, until `exp`. */
export interface LinkClaims {
  /** Organisation. */
  org: string;
  /** Approval id. */
  apr: string;
  /** The approver the link was made for: nobody else's decision can come through it. */
  usr: string;
  dec: 'approve' | 'deny';
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** The link's random id: a redeemed id is refused the second time. */
  lid: string;
}

const PREFIX = 'cal1';
/** Links longer than this are refused before any parsing; a real one is about 300 characters. */
export const MAX_LINK_TOKEN_LENGTH = 1024;

const claimsSchema = z
  .object({
    org: z.string().min(1).max(100),
    apr: z.string().min(1).max(100),
    usr: z.string().min(1).max(200),
    dec: z.enum(['approve', 'deny']),
    exp: z.number().int().positive(),
    lid: z.string().min(1).max(100),
  })
  .strict();

const encoder = new TextEncoder();

/** Makes a signed link token: `cal1.<claims, base64url>.<signature, base64url>`. */
export async function issueLinkToken(
  signer: LinkSigner,
  claims: Omit<LinkClaims, 'lid'> & { lid?: string },
): Promise<{ token: string; claims: LinkClaims }> {
  const full: LinkClaims = { ...claims, lid: claims.lid ?? newId('lnk') };
  const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
  const signature = await signer.sign(encoder.encode(`${PREFIX}.${payload}`));
  return {
    token: `${PREFIX}.${payload}.${Buffer.from(signature).toString('base64url')}`,
    claims: full,
  };
}

/**
 * Reads a link token. The token arrives in a URL from anyone who has (or guessed) it: it is
 * attacker-controlled, so its size and shape are checked before the signature, and its claims
 * are parsed strictly only after the signature holds. Throws 'bad-link' or 'link-expired'.
 */
export async function readLinkToken(
  signer: LinkSigner,
  token: string,
  now: Date,
): Promise<LinkClaims> {
  if (
    token.length > MAX_LINK_TOKEN_LENGTH ||
    !/^cal1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)
  ) {
    throw new ApprovalError('bad-link', 'the decision link is malformed');
  }
  const [, payload = '', signature = ''] = token.split('.');
  let valid = false;
  try {
    valid = await signer.verify(
      encoder.encode(`${PREFIX}.${payload}`),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    valid = false;
  }
  if (!valid)
    throw new ApprovalError('bad-link', 'the decision link is not signed by this instance');
  let parsed;
  try {
    parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new ApprovalError('bad-link', 'the decision link does not hold readable claims');
  }
  if (!parsed.success)
    throw new ApprovalError('bad-link', 'the decision link holds unexpected claims');
  if (parsed.data.exp * 1000 <= now.getTime()) {
    throw new ApprovalError(
      'link-expired',
      'the decision link has expired; decide in the CLI or console',
    );
  }
  return parsed.data;
}
