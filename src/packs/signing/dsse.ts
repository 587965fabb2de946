import { signBytes, type ParsedKey } from './keys.js';

/** The payload type of an in-toto statement inside a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A DSSE envelope: `keyid` is a hint only (it is not signed). */
export interface DsseEnvelope {
  payloadType: string;
  /** Base64 of the payload bytes. */
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/**
 * The DSSE pre-authentication encoding: `DSSEv1 SP len(type) SP type SP len(body) SP body`, the
 * lengths in ASCII decimal bytes. The signature covers this, so the type cannot be swapped.
 */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${body.length} `, 'utf8'),
    body,
  ]);
}

/** Signs a payload into a DSSE envelope with one signature. */
export function signEnvelope(payloadType: string, payload: Buffer, key: ParsedKey): DsseEnvelope {
  const signature = signBytes(key, pae(payloadType, payload));
  return {
    payloadType,
    payload: payload.toString('base64'),
    signatures: [{ keyid: key.keyId, sig: signature.toString('base64') }],
  };
}
