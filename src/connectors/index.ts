export type {
  Connector,
  ConnectorCall,
  ConnectorPreview,
  ConnectorResult,
  ConnectorSettings,
} from './port.js';
export { ConnectorError } from './errors.js';
export type { ConnectorErrorCode } from './errors.js';
export { createConnectorRegistry, connectorFor } from './registry.js';
export type { ConnectorRegistry } from './registry.js';
export { ShellConnector } from './shell/shell-connector.js';
export type { ShellConnectorOptions, ShellOutput } from './shell/shell-connector.js';
export { buildArgv } from './shell/shell-argv.js';
export { ItopsFleetConnector } from './itops-fleet/itops-fleet-connector.js';
export type { ItopsFleetConnectorOptions } from './itops-fleet/itops-fleet-connector.js';
export { CounterConnector } from './counter/counter-connector.js';
export { McpConnector } from './mcp/mcp-connector.js';
export type { McpConnectorOptions } from './mcp/mcp-connector.js';
