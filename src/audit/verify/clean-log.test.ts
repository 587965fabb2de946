import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG, openAuditHarness, type AuditHarness } from '../__fixtures__/audit-harness.js';
import { writeExport } from '../__fixtures__/tamper.js';
import { runAuditorTool } from '../../../test/support/auditor-tool.js';
import { verifyLog } from './verify-log.js';

const ENTRIES = 100_000;
const CHECKPOINT_EVERY = 10_000;

describe('a clean log of 100,000 entries', () => {
  let harness: AuditHarness;
  beforeAll(async () => {
    harness = await openAuditHarness();
    for (let written = 0; written < ENTRIES; written += CHECKPOINT_EVERY) {
      for (let batch = 0; batch < CHECKPOINT_EVERY; batch += 1000) {
        await Promise.all(
          Array.from({ length: 1000 }, (_, index) =>
            harness.log.append({
              type: index % 3 === 0 ? 'tool-call-allowed' : 'tool-call-succeeded',
              runId: `run_${(written + batch + index) % 997}`,
              stepIndex: index % 11,
              actor: { user: 'operator', agent: 'itops-agent' },
              tool: '@castellan/itops/restart-service',
              args: { service: `svc-${index % 13}`, note: 'é ü \u2028 "quoted"' },
              details: { n: written + batch + index, fraction: index / 7, negative: -index },
            }),
          ),
        );
      }
      await harness.checkpointer.checkpoint();
    }
  }, 300_000);
  afterAll(async () => {
    await harness.close();
  });

  it('raises no false alarm in either verifier', async () => {
    const product = await verifyLog({
      tree: harness.store.auditTree,
      orgId: ORG,
      verifier: harness.verifier,
    });
    expect(product).toMatchObject({
      ok: true,
      entries: ENTRIES,
      checkpoints: ENTRIES / CHECKPOINT_EVERY,
    });
    const exportPath = join(harness.folder, 'export.jsonl');
    await writeExport(harness.store, exportPath);
    const tool = await runAuditorTool(exportPath, harness.verifierKey);
    expect(tool).toMatchObject({
      code: 0,
      result: { ok: true, entries: ENTRIES, root: (product as { root: string }).root },
    });
  }, 300_000);
});
