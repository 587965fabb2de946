import { IN_TOTO_PAYLOAD_TYPE } from '../signing/dsse.js';
import { PackVerifyError } from './errors.js';

/** The payload types a pack envelope may carry. */
export const ALLOWED_PAYLOAD_TYPES: readonly string[] = [IN_TOTO_PAYLOAD_TYPE];

/** Refuses any payload type but an in-toto statement's (the type is attacker-controlled). */
export function checkPayloadType(payloadType: string): void {
  if (!ALLOWED_PAYLOAD_TYPES.includes(payloadType)) {
    throw new PackVerifyError(
      'payload-type-not-allowed',
      `the envelope's payload type ${JSON.stringify(payloadType.slice(0, 100))} is not ${ALLOWED_PAYLOAD_TYPES.join(' or ')}`,
    );
  }
}
