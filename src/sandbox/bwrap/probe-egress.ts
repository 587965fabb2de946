import { describeError } from '../../core/index.js';
import { EgressLedger } from '../egress/egress-ledger.js';
import type { SandboxProbe } from '../port.js';
import type { BwrapDriver } from './bwrap-driver.js';

type Check = SandboxProbe['checks'][number];

/** A destination that resolves from /etc/hosts alone, to an address the proxy must refuse. */
const probeDestination = { host: 'localhost', port: 9 };

/**
 * Checks the egress path end to end without touching any network: a sandboxed step asks the
 * bridge for `localhost:9`, which its tool declares and a probe allowlist names, and the proxy
 * must refuse it because localhost resolves to loopback. Seeing that refusal, inside and in the
 * proxy's record, proves the socket, the bridge, the allowlist and the address check all work.
 */
export async function probeEgress(driver: BwrapDriver): Promise<Check> {
  const fix = 'apt-get install socat (the relay inside the sandbox for steps with egress)';
  if (driver.resolveSocat() === undefined) {
    return { name: 'egress-proxy', ok: false, detail: 'socat not found under /usr', fix };
  }
  const prober = driver.withEgress({
    allowHosts: [`${probeDestination.host}:${probeDestination.port}`],
    allowAddressRanges: [],
    ledger: new EgressLedger({ bytesOut: 4096, bytesIn: 4096 }),
  });
  const request = `CONNECT localhost:9 HTTP/1.1\\r\\nHost: localhost:9\\r\\n\\r\\n`;
  try {
    const result = await prober.run({
      command: ['sh', '-c', `printf '${request}' | socat -t 2 - TCP:127.0.0.1:3128`],
      egress: { destinations: [probeDestination], runId: 'castellan-probe' },
      timeoutMs: 10_000,
      maxOutputBytes: 16 * 1024,
    });
    const connection = result.egress?.connections[0];
    const ok =
      result.stdout.startsWith('HTTP/1.1 403') &&
      connection?.outcome === 'refused' &&
      connection.reason === 'forbidden-address:loopback';
    return {
      name: 'egress-proxy',
      ok,
      detail: ok
        ? 'a step reached its proxy through the bridge; the proxy refused localhost:9 (loopback)'
        : `unexpected: ${result.stdout.split('\n')[0] ?? ''} ${JSON.stringify(connection ?? null)} ${result.stderr.slice(0, 200)}`,
      ...(ok ? {} : { fix: 'check that socat works: `socat -V`; then run the probe again' }),
    };
  } catch (error) {
    return { name: 'egress-proxy', ok: false, detail: describeError(error), fix };
  }
}
