import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** The test server's tools as it lists them (unpoisoned). */
export const TOOLS: Array<{
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}>;
/** A low-level MCP server with the test tools; `calls` records each tools/call it answered. */
export function createTestServer(options?: { poisoned?: boolean; calls?: unknown[] }): Server;
