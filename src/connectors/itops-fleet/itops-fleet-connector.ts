import type { z } from 'zod';
import { jsonDiff } from '../../core/index.js';
import { ConnectorError } from '../errors.js';
import type { Connector, ConnectorCall, ConnectorPreview, ConnectorResult } from '../port.js';
import { fleetBaseUrl, fleetRequest, type FleetHttpOptions } from './fleet-http.js';
import {
  configAnswer,
  healthAnswer,
  logsAnswer,
  restartAnswer,
  servicesAnswer,
} from './fleet-responses.js';

/** Settings of the itops-fleet connector; the fleet's URL comes from the call's settings. */
export interface ItopsFleetConnectorOptions {
  /** Per request; default 15 s (a restart waits up to 5 s for health). */
  timeoutMs?: number;
  /** Default 1 MiB. */
  maxResponseBytes?: number;
  /** For tests; default the global fetch. */
  fetch?: typeof fetch;
}

type Outcome = { ok: true; output: unknown } | { ok: false; error: string };

// Already schema-checked by the gate; checked again because it goes into a URL path.
const servicePattern = /^[a-z][a-z0-9-]{0,39}$/;

function serviceOf(call: ConnectorCall): string {
  const service = call.args.service;
  if (typeof service !== 'string' || !servicePattern.test(service)) {
    throw new ConnectorError(
      'bad-args',
      `${call.tool.name} needs a service name matching ${servicePattern.source}`,
    );
  }
  return service;
}

// Already schema-checked by the gate; checked again because it is sent to the target.
function configOf(call: ConnectorCall): Record<string, unknown> {
  const config = call.args.config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConnectorError('bad-args', `${call.tool.name} needs a config object`);
  }
  return config as Record<string, unknown>;
}

/** Talks to the demo fleet manager: status, health, read-logs, read-config, set-config, restart. */
export class ItopsFleetConnector implements Connector {
  readonly name = 'itops-fleet';
  private readonly http: FleetHttpOptions;

  constructor(options: ItopsFleetConnectorOptions = {}) {
    this.http = {
      timeoutMs: options.timeoutMs ?? 15_000,
      maxResponseBytes: options.maxResponseBytes ?? 1024 * 1024,
      fetch: options.fetch ?? fetch,
    };
  }

  /** Carries out one operation; an unreachable or failing fleet is `ok: false`. */
  async invoke(call: ConnectorCall): Promise<ConnectorResult> {
    const connector = call.tool.connector;
    if (connector.kind !== 'builtin' || connector.connector !== this.name) {
      throw new ConnectorError('wrong-connector', `${call.tool.name} is not an itops-fleet tool`);
    }
    const base = fleetBaseUrl(call.settings);
    const ask = <T>(
      method: 'GET' | 'POST' | 'PUT',
      path: string,
      schema: z.ZodType<T>,
      body?: unknown,
    ) => this.ask(base, method, path, schema, call.signal, body);
    let outcome: Outcome;
    switch (connector.operation) {
      case 'status': {
        const answer = await ask('GET', 'services', servicesAnswer);
        outcome = answer.ok
          ? {
              ok: true,
              output: {
                services: answer.value,
                firstUnhealthy: answer.value.find((each) => !each.healthy)?.name ?? null,
              },
            }
          : answer;
        break;
      }
      case 'health': {
        const answer = await ask('GET', `services/${serviceOf(call)}/health`, healthAnswer);
        outcome = answer.ok ? { ok: true, output: answer.value } : answer;
        break;
      }
      case 'read-logs': {
        const lines = call.args.lines;
        const count =
          typeof lines === 'number' && Number.isInteger(lines) && lines >= 1 && lines <= 1000
            ? lines
            : 50;
        const answer = await ask(
          'GET',
          `services/${serviceOf(call)}/logs?lines=${count}`,
          logsAnswer,
        );
        outcome = answer.ok ? { ok: true, output: answer.value } : answer;
        break;
      }
      case 'read-config': {
        const answer = await ask('GET', `services/${serviceOf(call)}/config`, configAnswer);
        outcome = answer.ok ? { ok: true, output: answer.value } : answer;
        break;
      }
      case 'set-config': {
        const answer = await ask('PUT', `services/${serviceOf(call)}/config`, configAnswer, {
          config: configOf(call),
        });
        outcome = answer.ok ? { ok: true, output: answer.value } : answer;
        break;
      }
      case 'restart': {
        const answer = await ask('POST', `services/${serviceOf(call)}/restart`, restartAnswer);
        outcome = answer.ok ? { ok: true, output: answer.value } : answer;
        break;
      }
      default:
        throw new ConnectorError(
          'unknown-operation',
          `itops-fleet has no operation ${connector.operation}`,
        );
    }
    return outcome;
  }

  /** The service's current health, pid and configuration, for the record before and after a change. */
  async observe(call: ConnectorCall): Promise<unknown> {
    const service = serviceOf(call);
    const base = fleetBaseUrl(call.settings);
    const [health, config] = await Promise.all([
      this.ask(base, 'GET', `services/${service}/health`, healthAnswer, call.signal),
      this.ask(base, 'GET', `services/${service}/config`, configAnswer, call.signal),
    ]);
    if (!health.ok || !config.ok) {
      const error = health.ok ? (config.ok ? '' : config.error) : health.error;
      throw new ConnectorError('target-unavailable', `cannot observe ${service}: ${error}`);
    }
    const { healthy, status, detail, pid } = health.value;
    return { service, health: { healthy, status, detail }, pid, config: config.value.config };
  }

  /**
   * What a set-config would change: the file as it is now against the one the call writes.
   * Other operations have no state change worth showing (a restart changes only the pid).
   */
  async preview(call: ConnectorCall): Promise<ConnectorPreview | undefined> {
    const connector = call.tool.connector;
    if (connector.kind !== 'builtin' || connector.operation !== 'set-config') return undefined;
    const service = serviceOf(call);
    const after = configOf(call);
    const current = await this.ask(
      fleetBaseUrl(call.settings),
      'GET',
      `services/${service}/config`,
      configAnswer,
      call.signal,
    );
    if (!current.ok) {
      throw new ConnectorError('target-unavailable', `cannot read ${service}: ${current.error}`);
    }
    const before = current.value.config;
    return { before, after, diff: jsonDiff(before, after) };
  }

  private async ask<T>(
    base: URL,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: z.ZodType<T>,
    signal: AbortSignal | undefined,
    body?: unknown,
  ): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    const answer = await fleetRequest(base, method, path, this.http, signal, body);
    if (!answer.ok) return { ok: false, error: answer.error };
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || '(root)';
      return {
        ok: false,
        error: `the fleet's answer to ${method} /${path} has an unexpected shape at ${where}`,
      };
    }
    return { ok: true, value: parsed.data };
  }
}
