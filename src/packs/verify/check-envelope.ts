import { z } from 'zod';
import { decodeBase64Strict } from './base64.js';
import { PackVerifyError } from './errors.js';

/** Bounds on an envelope; a statement about one archive is small. */
export const envelopeLimits = {
  maxEnvelopeBytes: 64 * 1024,
  maxPayloadBytes: 32 * 1024,
  maxSignatures: 8,
} as const;

const envelopeSchema = z
  .object({
    payloadType: z.string().min(1).max(200),
    payload: z
      .string()
      .min(1)
      .max(Math.ceil(envelopeLimits.maxPayloadBytes / 3) * 4),
    signatures: z
      .array(
        z
          .object({ keyid: z.string().max(200).default(''), sig: z.string().min(1).max(2048) })
          .strict(),
      )
      .min(1)
      .max(envelopeLimits.maxSignatures),
  })
  .strict();

/** An envelope whose fields are decoded: still unverified. */
export interface ParsedEnvelope {
  payloadType: string;
  payload: Buffer;
  signatures: Array<{ keyid: string; sig: Buffer }>;
}

/**
 * Parses a DSSE envelope. The text is attacker-controlled: bounded, parsed without `__proto__`,
 * validated strictly (unknown fields are errors) and base64 decoded strictly.
 */
export function checkEnvelope(text: string | Buffer): ParsedEnvelope {
  const raw = typeof text === 'string' ? text : text.toString('utf8');
  if (Buffer.byteLength(raw) > envelopeLimits.maxEnvelopeBytes) {
    throw new PackVerifyError(
      'malformed-envelope',
      `the envelope is larger than ${envelopeLimits.maxEnvelopeBytes} bytes`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('the key "__proto__" is not allowed');
      return value;
    });
  } catch (error) {
    throw new PackVerifyError(
      'malformed-envelope',
      `the envelope is not JSON: ${(error as Error).message}`,
    );
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PackVerifyError(
      'malformed-envelope',
      `the envelope is not a DSSE envelope: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const payload = decodeBase64Strict(parsed.data.payload);
  if (payload === undefined)
    throw new PackVerifyError('malformed-envelope', 'the envelope payload is not strict base64');
  const signatures = parsed.data.signatures.map((signature, index) => {
    const sig = decodeBase64Strict(signature.sig);
    if (sig === undefined)
      throw new PackVerifyError('malformed-envelope', `signature ${index} is not strict base64`);
    return { keyid: signature.keyid, sig };
  });
  return { payloadType: parsed.data.payloadType, payload, signatures };
}
