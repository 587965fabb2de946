/**
 * The connector port: code that carries out an allowed tool call against a target system.
 * Connectors run only after the gate has decided; they never decide anything themselves.
 */
import type { LoadedPack, ToolManifest } from '../packs/index.js';

/** One allowed call, as the gate hands it to a connector. */
export interface ConnectorCall {
  pack: LoadedPack;
  tool: ToolManifest;
  /** Arguments already validated against the tool's schema. */
  args: Record<string, unknown>;
  runId: string;
  stepIndex: number;
  /** Settings of this connector from the home (URLs, folders); never secrets in clear. */
  settings: ConnectorSettings;
  signal?: AbortSignal;
}

/** Per-connector settings: `{ "itops-fleet": { "url": "...", "logDir": "..." } }`. */
export type ConnectorSettings = Record<string, Record<string, unknown>>;

/** What a connector reports; `ok: false` is a failure of the target, not of the gate. */
export type ConnectorResult =
  | { ok: true; output: unknown; details?: Record<string, unknown> }
  | { ok: false; error: string; output?: unknown; details?: Record<string, unknown> };

/** A connector that carries out one kind of tool call. */
export interface Connector {
  readonly name: string;
  invoke(call: ConnectorCall): Promise<ConnectorResult>;
  /** Reads the current state of the resource a call would change (for pre/post capture). */
  observe?(call: ConnectorCall): Promise<unknown>;
}
