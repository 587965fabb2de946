/**
 * The connector port: code that carries out an allowed tool call against a target system.
 * Connectors run only after the gate has decided; they never decide anything themselves.
 */
import type { JsonChange } from '../core/index.js';
import type { LoadedPack, ToolManifest } from '../packs/index.js';

/** One allowed call, as the gate hands it to a connector. */
export interface ConnectorCall {
  pack: LoadedPack;
  tool: ToolManifest;
  /** Arguments already validated against the tool's schema. */
  args: Record<string, unknown>;
  runId: string;
  stepIndex: number;
  /**
   * Stable for one step of one run (`<runId>:<stepIndex>`), also when the step is run again
   * after a crash: a target that honours it applies the effect once however often it is asked.
   */
  idempotencyKey?: string;
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
  /**
   * What the call would change, computed without changing anything, for the approver; the
   * connector returns undefined where it cannot tell (the approval then says so).
   */
  preview?(call: ConnectorCall): Promise<ConnectorPreview | undefined>;
}

/** A change a call would make: the resource's state before and after, and their differences. */
export interface ConnectorPreview {
  before: unknown;
  after: unknown;
  diff: JsonChange[];
}
