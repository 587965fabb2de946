import { resolve } from 'node:path';
import { loadPackFromDir, type LoadedPack } from '../../packs/index.js';
import type { ConnectorCall, ConnectorSettings } from '../index.js';

/** The shipped itops pack, loaded once per test file. */
export const itopsPack: LoadedPack = await loadPackFromDir(
  resolve(import.meta.dirname, '../../../packs/itops'),
);

/** A call of one itops tool, as the gate would hand it over (arguments are not re-validated). */
export function callOf(
  toolName: string,
  args: Record<string, unknown>,
  settings: ConnectorSettings,
  stepIndex = 0,
): ConnectorCall {
  const tool = itopsPack.tools.get(toolName);
  if (tool === undefined) throw new Error(`no tool ${toolName}`);
  return { pack: itopsPack, tool: tool.manifest, args, runId: 'run-test', stepIndex, settings };
}
