import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { digestOf } from '../../core/index.js';
import { checkMcpToolPin, listMcpTools } from '../../packs/index.js';
import type { SandboxSession, SandboxSessionDriver } from '../../sandbox/index.js';
import { ConnectorError } from '../errors.js';
import type { Connector, ConnectorCall, ConnectorResult } from '../port.js';
import { mcpServerSettings, type McpServerSettings } from './mcp-settings.js';
import { StreamTransport } from './stream-transport.js';

/** What the MCP connector needs. */
export interface McpConnectorOptions {
  /** Starts local servers; only ever sandboxed. */
  sessions: SandboxSessionDriver;
  /** Tests: reach a server another way (the SDK's in-process transport). */
  connect?: (server: string, settings: McpServerSettings) => Promise<Transport>;
  /** A result larger than this is cut (JSON characters); default 1 MiB. */
  maxOutputChars?: number;
}

interface OpenServer {
  client: Client;
  session: SandboxSession | undefined;
  idle: NodeJS.Timeout | undefined;
}

const CLIENT_INFO = { name: 'castellan', version: '0.1.0' };

/**
 * Carries out tools of packs made from MCP servers (`connector: { kind: 'mcp', server, tool,
 * digest }`), after the gate allowed the call. Local servers run as sandboxed sessions (no
 * network, seccomp, uid 1000), started on first use and stopped when idle; remote ones are
 * reached over streamable HTTP. Before every call the server's listing of the tool is checked
 * against the pack's pin, so a changed description or schema is refused, not called.
 */
export class McpConnector implements Connector {
  readonly name = 'mcp';
  private readonly open = new Map<string, Promise<OpenServer>>();

  constructor(private readonly options: McpConnectorOptions) {}

  async invoke(call: ConnectorCall): Promise<ConnectorResult> {
    const connector = call.tool.connector;
    if (connector.kind !== 'mcp')
      throw new ConnectorError('wrong-connector', `${call.tool.name} is not an MCP tool`);
    const settings = mcpServerSettings(call.settings, connector.server);
    const key = `${connector.server} ${digestOf(settings)}`;
    const server = await this.serverFor(key, connector.server, settings);
    const timeout = settings.callTimeoutMs;
    const request = { timeout, ...(call.signal === undefined ? {} : { signal: call.signal }) };
    try {
      // The server's listing is attacker-controlled: the packs room parses and bounds it.
      const listed = await listMcpTools({
        listTools: (params) => server.client.listTools(params, request),
      });
      const verdict = checkMcpToolPin({ tool: connector.tool, digest: connector.digest }, listed);
      if (!verdict.ok) throw new ConnectorError(verdict.code, verdict.reason);
      const result = await server.client.callTool(
        { name: connector.tool, arguments: call.args },
        undefined,
        request,
      );
      const output = this.bound({
        content: result.content,
        ...(result.structuredContent === undefined
          ? {}
          : { structuredContent: result.structuredContent }),
      });
      const details = {
        mcp: { server: connector.server, tool: connector.tool, pin: connector.digest },
        ...(server.session === undefined ? {} : { sandbox: server.session.profile }),
      };
      if (result.isError === true)
        return {
          ok: false,
          error: textOf(result.content) || 'the MCP tool reported an error',
          output,
          details,
        };
      return { ok: true, output, details };
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      // A session that failed mid-call is not reused: the next call starts a fresh one.
      await this.forget(key);
      throw new ConnectorError(
        'target-unavailable',
        `MCP server ${connector.server}: ${error instanceof Error ? error.message : String(error)}${server.session ? ` (stderr: ${server.session.stderrTail().slice(-300)})` : ''}`,
        { cause: error },
      );
    } finally {
      this.touch(key, server, settings);
    }
  }

  /** Stops every server this connector started. */
  async close(): Promise<void> {
    await Promise.all([...this.open.keys()].map((key) => this.forget(key)));
  }

  private serverFor(key: string, name: string, settings: McpServerSettings): Promise<OpenServer> {
    const existing = this.open.get(key);
    if (existing !== undefined) return existing;
    const starting = this.start(name, settings);
    this.open.set(key, starting);
    starting.then(
      (server) => void server.session?.exited.then(() => this.open.delete(key)),
      () => this.open.delete(key),
    );
    return starting;
  }

  private async start(name: string, settings: McpServerSettings): Promise<OpenServer> {
    let session: SandboxSession | undefined;
    let transport: Transport;
    if (this.options.connect !== undefined) {
      transport = await this.options.connect(name, settings);
    } else if ('url' in settings) {
      transport = new StreamableHTTPClientTransport(new URL(settings.url));
    } else {
      session = await this.options.sessions.startSession({
        command: settings.command,
        env: settings.env,
        mounts: settings.mounts,
        maxLifetimeMs: settings.maxLifetimeMs,
      });
      transport = new StreamTransport(session.stdout, session.stdin);
    }
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    try {
      await client.connect(transport, { timeout: settings.callTimeoutMs });
    } catch (error) {
      await session?.stop();
      throw new ConnectorError(
        'target-unavailable',
        `MCP server ${name} did not start: ${error instanceof Error ? error.message : String(error)}${session ? ` (stderr: ${session.stderrTail().slice(-300)})` : ''}`,
        { cause: error },
      );
    }
    return { client, session, idle: undefined };
  }

  private touch(key: string, server: OpenServer, settings: McpServerSettings): void {
    if (server.idle !== undefined) clearTimeout(server.idle);
    if (!('idleMs' in settings)) return;
    server.idle = setTimeout(() => void this.forget(key), settings.idleMs);
    server.idle.unref();
  }

  private async forget(key: string): Promise<void> {
    const pending = this.open.get(key);
    this.open.delete(key);
    const server = await pending?.catch(() => undefined);
    if (server === undefined) return;
    if (server.idle !== undefined) clearTimeout(server.idle);
    await server.client.close().catch(() => undefined);
    await server.session?.stop();
  }

  private bound(output: Record<string, unknown>): unknown {
    const max = this.options.maxOutputChars ?? 1024 * 1024;
    const text = JSON.stringify(output);
    if (text.length <= max) return output;
    return { truncated: true, chars: text.length, text: text.slice(0, max) };
  }
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: string; text?: unknown }) =>
      part.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .join('\n')
    .slice(0, 2000);
}
