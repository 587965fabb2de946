import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { ToolConnector } from '../../packs/index.js';
import type { SandboxMount } from '../../sandbox/index.js';
import { ConnectorError } from '../errors.js';
import type { ConnectorSettings } from '../port.js';

type ShellMount = Extract<ToolConnector, { kind: 'shell' }>['mounts'][number];

/**
 * Turns a shell tool's mounts (`setting: "itops-fleet.logDir"`) into host folders from the home's
 * settings. A missing, relative or non-existent path is an error naming the setting: the step
 * does not run with a mount missing.
 */
export async function resolveMounts(
  mounts: readonly ShellMount[],
  settings: ConnectorSettings,
): Promise<SandboxMount[]> {
  const resolved: SandboxMount[] = [];
  for (const mount of mounts) {
    const [connector = '', key = ''] = mount.setting.split('.');
    const value = settings[connector]?.[key];
    if (typeof value !== 'string' || value === '') {
      throw new ConnectorError(
        'bad-settings',
        `the setting ${mount.setting} is not set; it names the folder for ${mount.sandboxPath}`,
        {
          details: { setting: mount.setting },
        },
      );
    }
    if (!isAbsolute(value)) {
      throw new ConnectorError(
        'bad-settings',
        `the setting ${mount.setting} must be an absolute path, not ${value}`,
        {
          details: { setting: mount.setting },
        },
      );
    }
    const exists = await stat(value).then(
      () => true,
      () => false,
    );
    if (!exists) {
      throw new ConnectorError(
        'bad-settings',
        `the setting ${mount.setting} names ${value}, which does not exist`,
        {
          details: { setting: mount.setting },
        },
      );
    }
    resolved.push({ hostPath: value, sandboxPath: mount.sandboxPath, readOnly: mount.readOnly });
  }
  return resolved;
}
