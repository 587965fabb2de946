import { BlockList, isIP } from 'node:net';

/**
 * Which resolved addresses the egress proxy refuses to connect to. A name on the allowlist can
 * still point anywhere (DNS is attacker-influenced), so the proxy checks every address it would
 * connect to, not the name: loopback, private, link-local (with cloud metadata), CGNAT,
 * multicast and reserved ranges are refused unless an operator allowed that range explicitly.
 */

/** Why an address is not a public unicast destination. */
export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'reserved';

const ranges: Array<[AddressClass, string, number, 'ipv4' | 'ipv6']> = [
  // Checked before link-local, which contains it, so the audit names it for what it is.
  ['metadata', '169.254.169.254', 32, 'ipv4'],
  ['metadata', 'fd00:ec2::254', 128, 'ipv6'],
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['cgnat', '100.64.0.0', 10, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
  ['reserved', '100::', 64, 'ipv6'],
  ['reserved', '2001:db8::', 32, 'ipv6'],
];

const lists = new Map<AddressClass, BlockList>();
for (const [name, network, prefix, family] of ranges) {
  const list = lists.get(name) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  lists.set(name, list);
}

/** The 16 bytes of an IPv6 address (which `isIP` already accepted). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    const [a = 0, b = 0, c = 0, d = 0] = (dotted[1] ?? '').split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros =
    tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

/** The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries, if any. */
function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  const prefix96 = bytes.slice(0, 12);
  const nat64 = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
  if (prefix96.every((byte, index) => byte === nat64[index])) return bytes.slice(12).join('.');
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6).join('.');
  return undefined;
}

/** The class of a non-public address, or undefined for a public unicast one. */
export function classifyAddress(address: string): AddressClass | undefined {
  const version = isIP(address);
  if (version === 0) return 'reserved';
  const family = version === 4 ? 'ipv4' : 'ipv6';
  // BlockList matches IPv4 rules against IPv4-mapped IPv6 (::ffff:a.b.c.d) as well.
  for (const [name, list] of lists) if (list.check(address, family)) return name;
  if (version === 6) {
    const inner = embeddedIpv4(address);
    if (inner !== undefined) return classifyAddress(inner);
  }
  return undefined;
}

/** Ranges an operator allowed explicitly (e.g. `10.1.2.0/24`, `127.0.0.1/32`). */
export class AddressAllowance {
  private readonly list = new BlockList();
  readonly ranges: readonly string[];

  /** Throws on a malformed range: a typo must not silently allow nothing, or everything. */
  constructor(ranges: readonly string[]) {
    for (const range of ranges) {
      const [network = '', prefixText] = range.split('/');
      const version = isIP(network);
      const prefix = prefixText === undefined ? (version === 4 ? 32 : 128) : Number(prefixText);
      const max = version === 4 ? 32 : 128;
      if (version === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
        throw new TypeError(`not an address range: ${JSON.stringify(range)}`);
      }
      this.list.addSubnet(network, prefix, version === 4 ? 'ipv4' : 'ipv6');
    }
    this.ranges = [...ranges];
  }

  /** True when the address falls in an allowed range. */
  allows(address: string): boolean {
    const version = isIP(address);
    return version !== 0 && this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Undefined when the proxy may connect to the address; otherwise the refusal reason. */
export function addressRefusal(address: string, allowance: AddressAllowance): string | undefined {
  const kind = classifyAddress(address);
  if (kind === undefined || allowance.allows(address)) return undefined;
  return `forbidden-address:${kind}`;
}
