// The test MCP server over stdio: `node mcp-test-server.mjs [--poisoned]`.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTestServer } from './mcp-test-tools.mjs';

const server = createTestServer({ poisoned: process.argv.includes('--poisoned') });
await server.connect(new StdioServerTransport());
