import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import type { RevocationRecord, RevocationRepository } from '../store/index.js';
import { revocationCheck, revokeCapabilityToken } from './revocation.js';

class MemoryRevocations implements RevocationRepository {
  readonly records: RevocationRecord[] = [];
  async revoke(record: RevocationRecord): Promise<void> {
    this.records.push(record);
  }
  async isRevoked(orgId: string, jti: string): Promise<boolean> {
    return this.records.some((record) => record.orgId === orgId && record.jti === jti);
  }
}

describe('revocation', () => {
  it('records a revoked jti and reports it for its organisation only', async () => {
    const revocations = new MemoryRevocations();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const expiresAt = new Date(Date.UTC(2026, 0, 1, 0, 15));
    await revokeCapabilityToken(
      revocations,
      { orgId: 'acme', jti: 'jti_1', reason: 'run cancelled', expiresAt },
      clock,
    );
    expect(revocations.records).toEqual([
      {
        orgId: 'acme',
        jti: 'jti_1',
        reason: 'run cancelled',
        revokedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T00:15:00.000Z',
      },
    ]);
    expect(await revocationCheck(revocations, 'acme')('jti_1')).toBe(true);
    expect(await revocationCheck(revocations, 'acme')('jti_2')).toBe(false);
    expect(await revocationCheck(revocations, 'other')('jti_1')).toBe(false);
  });
});
