import { describe, expect, it } from 'vitest';
import { RefusingDriver } from '../sandbox/index.js';
import { itopsPack } from './__fixtures__/calls.js';
import {
  ConnectorError,
  ItopsFleetConnector,
  ShellConnector,
  connectorFor,
  createConnectorRegistry,
} from './index.js';

describe('connector registry', () => {
  const shell = new ShellConnector(new RefusingDriver(), { workBase: '/tmp/castellan-unused' });
  const fleet = new ItopsFleetConnector();

  it('finds connectors by name and maps every itops tool to one', () => {
    const registry = createConnectorRegistry([shell, fleet]);
    expect(registry.names()).toEqual(['shell', 'itops-fleet']);
    expect(registry.get('shell')).toBe(shell);
    expect(registry.get('nope')).toBeUndefined();
    const names = [...itopsPack.tools.values()].map((tool) => [
      tool.manifest.name,
      connectorFor(tool.manifest),
    ]);
    expect(Object.fromEntries(names)).toEqual({
      'fleet-status': 'itops-fleet',
      'check-health': 'itops-fleet',
      'read-logs': 'itops-fleet',
      'scan-logs': 'shell',
      'restart-service': 'itops-fleet',
      'read-config': 'itops-fleet',
      'set-config': 'itops-fleet',
    });
    for (const [, name] of names) expect(registry.get(name ?? '')).toBeDefined();
  });

  it('refuses two connectors with one name', () => {
    expect(() => createConnectorRegistry([fleet, new ItopsFleetConnector()])).toThrow(
      ConnectorError,
    );
  });
});
