import { CastellanError, type ErrorKind } from '../core/index.js';
import { httpAccess } from './access-backend.js';
import type { Backend, RunEventListener } from './backend.js';
import { readEventStream } from './sse-client.js';

const TIMEOUT_MS = 120_000;

/** Errors that came back from a Castellan server, keeping the server's code and kind. */
export class RemoteError extends CastellanError<string> {
  constructor(code: string, kind: ErrorKind, message: string) {
    super('remote', code, kind, message);
  }
}

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: 'bad-input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'bad-input',
  415: 'bad-input',
  503: 'unavailable',
};

/** The CLI talking to a Castellan server with a bearer key. */
export class HttpBackend implements Backend {
  readonly kind = 'http';
  /** Identity and access over the server's routes. */
  readonly access = httpAccess((method, path, body) => this.call(method, path, body));

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new RemoteError(
        'unreachable',
        'unavailable',
        `cannot reach ${this.baseUrl}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      throw new RemoteError(
        'bad-response',
        'unavailable',
        `${this.baseUrl} answered ${response.status} with something that is not JSON`,
      );
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new RemoteError(
        error?.code ?? `http-${response.status}`,
        KIND_BY_STATUS[response.status] ?? 'internal',
        error?.message ?? `HTTP ${response.status}`,
      );
    }
    return parsed as T;
  }

  startRun(request: Record<string, unknown>, mode: 'until-rest' | 'background' = 'until-rest') {
    return this.call<Awaited<ReturnType<Backend['startRun']>>>(
      'POST',
      `/v1/runs?mode=${mode}`,
      request,
    );
  }
  async followRun(runId: string, onEvent: RunEventListener) {
    const url = new URL(`/v1/runs/${encodeURIComponent(runId)}/events`, this.baseUrl);
    await readEventStream(url.toString(), this.token, (event, data) => {
      onEvent(event, data);
      // The stream ends by itself when the run ends; a run waiting for people rests too.
      const status = event === 'status' ? (data as { status?: string }).status : undefined;
      return status === 'awaiting_approval' ? 'stop' : 'continue';
    });
    return this.getRun(runId);
  }
  getRun(runId: string) {
    return this.call<Awaited<ReturnType<Backend['getRun']>>>(
      'GET',
      `/v1/runs/${encodeURIComponent(runId)}`,
    );
  }
  async listRuns(filter: { status?: string[]; limit?: number }) {
    const query = new URLSearchParams();
    if (filter.status) query.set('status', filter.status.join(','));
    if (filter.limit) query.set('limit', String(filter.limit));
    return (
      await this.call<{ runs: Awaited<ReturnType<Backend['listRuns']>> }>(
        'GET',
        `/v1/runs?${query}`,
      )
    ).runs;
  }
  cancelRun(runId: string, reason: string) {
    return this.call<Awaited<ReturnType<Backend['cancelRun']>>>(
      'POST',
      `/v1/runs/${encodeURIComponent(runId)}/cancel`,
      { reason },
    );
  }
  async listApprovals(filter: { status?: string[]; runId?: string }) {
    const query = new URLSearchParams();
    if (filter.status) query.set('status', filter.status.join(','));
    if (filter.runId) query.set('runId', filter.runId);
    return (
      await this.call<{ approvals: Awaited<ReturnType<Backend['listApprovals']>> }>(
        'GET',
        `/v1/approvals?${query}`,
      )
    ).approvals;
  }
  getApproval(approvalId: string) {
    return this.call<Awaited<ReturnType<Backend['getApproval']>>>(
      'GET',
      `/v1/approvals/${encodeURIComponent(approvalId)}`,
    );
  }
  decide(approvalId: string, decision: 'approve' | 'deny', reason?: string) {
    return this.call<Awaited<ReturnType<Backend['decide']>>>(
      'POST',
      `/v1/approvals/${encodeURIComponent(approvalId)}/decision?mode=until-rest`,
      {
        decision,
        ...(reason === undefined ? {} : { reason }),
      },
    );
  }
  verifyAudit() {
    return this.call<Awaited<ReturnType<Backend['verifyAudit']>>>('GET', '/v1/audit/verify');
  }
  async auditEntries(filter: { runId?: string; fromSeq?: number; limit?: number }) {
    const query = new URLSearchParams();
    if (filter.runId) query.set('runId', filter.runId);
    if (filter.fromSeq) query.set('fromSeq', String(filter.fromSeq));
    if (filter.limit) query.set('limit', String(filter.limit));
    return (
      await this.call<{ entries: Awaited<ReturnType<Backend['auditEntries']>> }>(
        'GET',
        `/v1/audit?${query}`,
      )
    ).entries;
  }
  async listAgents() {
    return (
      await this.call<{ agents: Awaited<ReturnType<Backend['listAgents']>> }>('GET', '/v1/agents')
    ).agents;
  }
  async close() {}
}
