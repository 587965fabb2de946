import type { ToolManifest } from '../packs/index.js';
import { ConnectorError } from './errors.js';
import type { Connector } from './port.js';

/** The connectors available to the gate, by name. */
export interface ConnectorRegistry {
  /** The connector of that name, or undefined (the gate denies a tool with no connector). */
  get(name: string): Connector | undefined;
  names(): string[];
}

/** A registry over a fixed list of connectors; two with one name are an error. */
export function createConnectorRegistry(connectors: readonly Connector[]): ConnectorRegistry {
  const byName = new Map<string, Connector>();
  for (const connector of connectors) {
    if (byName.has(connector.name)) {
      throw new ConnectorError('duplicate-connector', `two connectors are named ${connector.name}`);
    }
    byName.set(connector.name, connector);
  }
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
  };
}

/** The name of the connector that carries out a tool: `shell`, `mcp`, or the builtin's named one. */
export function connectorFor(tool: ToolManifest): string {
  const connector = tool.connector;
  if (connector.kind === 'builtin') return connector.connector;
  return connector.kind;
}
