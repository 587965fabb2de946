import { jsonDiff } from '../../core/index.js';
import { ConnectorError } from '../errors.js';
import { fleetRequest, type FleetHttpOptions } from '../itops-fleet/fleet-http.js';
import type { Connector, ConnectorCall, ConnectorPreview, ConnectorResult } from '../port.js';

// Already schema-checked by the gate; checked again because it goes into a URL path.
const counterPattern = /^[a-z][a-z0-9-]{0,39}$/;

function counterOf(call: ConnectorCall): string {
  const counter = call.args.counter;
  if (typeof counter !== 'string' || !counterPattern.test(counter)) {
    throw new ConnectorError(
      'bad-args',
      `${call.tool.name} needs a counter name matching ${counterPattern.source}`,
    );
  }
  return counter;
}

function integerOf(call: ConnectorCall, name: string, fallback?: number): number {
  const value = call.args[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConnectorError('bad-args', `${call.tool.name} needs an integer ${name}`);
  }
  return value;
}

function baseUrl(call: ConnectorCall): URL {
  const value = call.settings.counter?.url;
  try {
    const url = new URL(String(value));
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
      return url;
    }
  } catch {
    // reported below
  }
  throw new ConnectorError('bad-settings', 'the setting counter.url must be an http(s) URL');
}

/**
 * Talks to the counter service (targets/counter), the target of the crash tests: read, set,
 * increment (applied every time) and add (applied once per idempotency key). It sends the
 * call's idempotency key, so a step re-run after a crash cannot add twice.
 */
export class CounterConnector implements Connector {
  readonly name = 'counter';
  private readonly limits: Omit<FleetHttpOptions, 'fetch'> = {
    timeoutMs: 10_000,
    maxResponseBytes: 64 * 1024,
  };

  /** Carries out one operation; an unreachable or failing counter is `ok: false`. */
  async invoke(call: ConnectorCall): Promise<ConnectorResult> {
    const connector = call.tool.connector;
    if (connector.kind !== 'builtin' || connector.connector !== this.name) {
      throw new ConnectorError('wrong-connector', `${call.tool.name} is not a counter tool`);
    }
    const path = `counters/${counterOf(call)}`;
    const request = (method: 'GET' | 'POST' | 'PUT', at: string, body?: unknown) =>
      this.request(call, method, at, body);
    switch (connector.operation) {
      case 'read':
        return request('GET', path);
      case 'set':
        return request('PUT', path, { value: integerOf(call, 'value') });
      case 'increment':
        return request('POST', `${path}/increment`, { by: integerOf(call, 'by', 1) });
      case 'add':
        return request('POST', `${path}/add`, { by: integerOf(call, 'by', 1) });
      default:
        throw new ConnectorError(
          'unknown-operation',
          `counter has no operation ${connector.operation}`,
        );
    }
  }

  /** The counter's value, for the record before and after a change. */
  async observe(call: ConnectorCall): Promise<unknown> {
    const answer = await this.request(call, 'GET', `counters/${counterOf(call)}`);
    if (!answer.ok) throw new ConnectorError('target-unavailable', answer.error);
    return answer.output;
  }

  /** What a `set` would change. */
  async preview(call: ConnectorCall): Promise<ConnectorPreview | undefined> {
    const connector = call.tool.connector;
    if (connector.kind !== 'builtin' || connector.operation !== 'set') return undefined;
    const before = await this.observe(call);
    const after = { name: counterOf(call), value: integerOf(call, 'value') };
    return { before, after, diff: jsonDiff(before, after) };
  }

  private async request(
    call: ConnectorCall,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<ConnectorResult> {
    const headers: Record<string, string> =
      call.idempotencyKey === undefined ? {} : { 'idempotency-key': call.idempotencyKey };
    const answer = await fleetRequest(
      baseUrl(call),
      method,
      path,
      {
        ...this.limits,
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...(init?.headers as Record<string, string>), ...headers },
          }),
      },
      call.signal,
      body,
    );
    if (!answer.ok)
      return { ok: false, error: answer.error.replace(/fleet manager|fleet/g, 'counter service') };
    const value = answer.body as { name?: unknown; value?: unknown };
    if (typeof value?.name !== 'string' || typeof value.value !== 'number') {
      return {
        ok: false,
        error: `the counter's answer to ${method} /${path} has an unexpected shape`,
      };
    }
    return { ok: true, output: { name: value.name, value: value.value } };
  }
}
