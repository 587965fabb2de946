/**
 * The bridge inside the sandbox: the step has its own network namespace with only loopback, so
 * the proxy's Unix socket is bound into it and socat relays a loopback TCP port to that socket,
 * for programs that only know HTTP_PROXY=http://host:port. The step could kill the bridge or
 * talk to the socket directly; neither gets it anything the proxy would not allow.
 */

/** Where the proxy's socket appears inside the sandbox. */
export const sandboxSocketPath = '/run/castellan/egress.sock';

/** The loopback port inside the sandbox that HTTP_PROXY points at. */
export const bridgePort = 3128;

/** The proxy variables a step with egress gets; they override any the tool declares. */
export function proxyEnvironment(): Record<string, string> {
  const url = `http://127.0.0.1:${bridgePort}`;
  return { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url };
}

/** `/proc/net/tcp`'s spelling of 127.0.0.1:3128. */
const listenAddress = `0100007F:${bridgePort.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Starts socat detached (its parent subshell exits, so bwrap's init adopts it and a step that
 * waits for its children does not wait for the bridge), waits until it listens, then execs the
 * step's command. The wait reads /proc/net/tcp with shell builtins only (state 0A is LISTEN):
 * a grep and a sleep per check cost more than socat takes to start. Exit 125 when the bridge
 * does not come up.
 */
const script = [
  'socat="$1"; shift',
  `( "$socat" TCP-LISTEN:${bridgePort},bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:${sandboxSocketPath} </dev/null >/dev/null 2>&1 & )`,
  'listening() {',
  `  while read -r _ address _ state _; do [ "$address" = ${listenAddress} ] && [ "$state" = 0A ] && return 0; done < /proc/net/tcp`,
  '  return 1',
  '}',
  'tries=0',
  'until listening; do',
  '  tries=$((tries + 1))',
  '  if [ "$tries" -gt 1200 ]; then echo \'castellan: the egress bridge did not start\' >&2; exit 125; fi',
  '  if [ "$tries" -gt 200 ]; then sleep 0.01; fi',
  'done',
  'exec "$@"',
].join('\n');

/** argv that runs the bridge and then `command`, inside the sandbox. */
export function bridgedCommand(socatPath: string, command: readonly string[]): string[] {
  return ['/bin/sh', '-c', script, 'castellan-egress-bridge', socatPath, ...command];
}
