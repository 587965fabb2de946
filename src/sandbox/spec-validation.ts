import { existsSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { SandboxError } from './errors.js';
import type { SandboxSpec } from './port.js';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Paths the driver itself sets up; a mount there would undo the isolation or break the step. */
const reservedSandboxPaths = [
  '/',
  '/proc',
  '/dev',
  '/usr',
  '/bin',
  '/lib',
  '/lib64',
  '/etc',
  // Where the egress proxy's socket appears; a mount there could stand in for the proxy.
  '/run/castellan',
];

function fail(message: string): never {
  throw new SandboxError('bad-spec', message);
}

function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string') fail(`${what} must be a string`);
  // A NUL byte would silently cut the argument short at the exec boundary.
  if (value.includes('\0')) fail(`${what} contains a NUL byte`);
  return value;
}

function checkSandboxPath(path: string, what: string): void {
  if (!isAbsolute(path) || normalize(path) !== path || path.endsWith('/')) {
    fail(`${what} must be an absolute, normalised path without a trailing slash: ${path}`);
  }
  const reserved = reservedSandboxPaths.find(
    (root) => path === root || (root !== '/' && path.startsWith(`${root}/`)),
  );
  if (reserved !== undefined)
    fail(`${what} ${path} would cover ${reserved}, which the driver owns`);
}

const limitNames = ['cpuSeconds', 'memoryMb', 'processes', 'openFiles', 'workDirMb'] as const;

function checkLimits(spec: SandboxSpec): void {
  if (spec.limits === undefined) return;
  for (const [name, value] of Object.entries(spec.limits)) {
    if (!(limitNames as readonly string[]).includes(name)) fail(`limits.${name} is not a limit`);
    if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) <= 0)) {
      fail(`limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
}

const runIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;

function checkEgress(spec: SandboxSpec): void {
  if (spec.egress === undefined) return;
  const { destinations, runId } = spec.egress;
  if (typeof runId !== 'string' || !runIdPattern.test(runId)) {
    fail('egress.runId must be 1-128 letters, digits, or _ . : -');
  }
  if (!Array.isArray(destinations) || destinations.length > 64) {
    fail('egress.destinations must be a list of at most 64 destinations');
  }
  for (const [index, destination] of destinations.entries()) {
    const host = checkString(destination.host, `egress.destinations[${index}].host`);
    if (host.length === 0 || host.length > 253)
      fail(`egress.destinations[${index}].host is empty or too long`);
    const port = destination.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      fail(`egress.destinations[${index}].port must be 1-65535, got ${String(port)}`);
    }
  }
}

/**
 * Rejects a spec no driver should run. Specs are built by trusted code, but arguments inside
 * them may carry model output, so every string is checked before it reaches an argv.
 */
export function validateSpec(spec: SandboxSpec): void {
  if (!Array.isArray(spec.command) || spec.command.length === 0) fail('command must not be empty');
  spec.command.forEach((part, index) => checkString(part, `command[${index}]`));
  if (spec.command[0] === '') fail('command[0] must name a program');
  if (!Number.isFinite(spec.timeoutMs) || spec.timeoutMs <= 0) {
    fail(`timeoutMs must be a positive number, got ${spec.timeoutMs}`);
  }
  if (!Number.isSafeInteger(spec.maxOutputBytes) || spec.maxOutputBytes <= 0) {
    fail(`maxOutputBytes must be a positive integer, got ${spec.maxOutputBytes}`);
  }
  if (spec.network !== undefined && spec.network !== 'none') {
    fail(`network ${String(spec.network)} is not supported; only 'none'`);
  }
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    if (!envName.test(name)) fail(`environment variable name ${JSON.stringify(name)} is invalid`);
    checkString(value, `env.${name}`);
  }
  if (spec.stdin !== undefined) checkString(spec.stdin, 'stdin');
  if (spec.workDir !== undefined) {
    checkString(spec.workDir, 'workDir');
    if (!isAbsolute(spec.workDir)) fail(`workDir must be an absolute host path: ${spec.workDir}`);
  }
  checkLimits(spec);
  checkEgress(spec);
  for (const [index, mount] of (spec.mounts ?? []).entries()) {
    const what = `mounts[${index}]`;
    checkString(mount.hostPath, `${what}.hostPath`);
    checkString(mount.sandboxPath, `${what}.sandboxPath`);
    if (!isAbsolute(mount.hostPath)) fail(`${what}.hostPath must be absolute: ${mount.hostPath}`);
    // bwrap would fail half-way through setup; say which mount is wrong instead.
    if (!existsSync(mount.hostPath)) fail(`${what}.hostPath does not exist: ${mount.hostPath}`);
    checkSandboxPath(mount.sandboxPath, `${what}.sandboxPath`);
    if (mount.sandboxPath === '/work' || mount.sandboxPath === '/tmp') {
      fail(`${what}.sandboxPath ${mount.sandboxPath} is the step's own folder; use workDir`);
    }
  }
}
