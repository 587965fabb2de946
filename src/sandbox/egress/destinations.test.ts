import { describe, expect, it } from 'vitest';
import { intersectEgress, normaliseHost, parseAllowEntry } from './destinations.js';

describe('intersectEgress', () => {
  it('permits only what the tool declares and the allowlist also names', () => {
    const result = intersectEgress(
      [
        { host: 'api.example.com', port: 443 },
        { host: 'API.Example.com.', port: 443 },
        { host: 'api.example.com', port: 80 },
        { host: 'evil.example.net', port: 443 },
      ],
      ['api.example.com:443'],
    );
    expect(result.permitted).toEqual([{ host: 'api.example.com', port: 443 }]);
    expect(result.refused).toEqual(['api.example.com:80', 'evil.example.net:443']);
  });

  it('lets an entry without a port allow any port, and *. allow subdomains only', () => {
    const result = intersectEgress(
      [
        { host: 'files.example.org', port: 8443 },
        { host: 'example.org', port: 443 },
        { host: 'mirror.example.com', port: 80 },
      ],
      ['*.example.org', 'mirror.example.com'],
    );
    expect(result.permitted).toEqual([
      { host: 'files.example.org', port: 8443 },
      { host: 'mirror.example.com', port: 80 },
    ]);
    expect(result.refused).toEqual(['example.org:443']);
  });

  it('permits nothing when the allowlist is empty', () => {
    const result = intersectEgress([{ host: 'api.example.com', port: 443 }], []);
    expect(result).toEqual({ permitted: [], refused: ['api.example.com:443'] });
  });

  it('refuses a declared host that is not a host name rather than rewriting it', () => {
    const result = intersectEgress([{ host: 'a b/c@d', port: 443 }], ['*.d']);
    expect(result.permitted).toEqual([]);
    expect(result.refused).toHaveLength(1);
  });
});

describe('allowlist entries and host names', () => {
  it('rejects malformed entries', () => {
    for (const entry of ['', 'http://x', 'host:0', 'host:70000', '*.', 'a..b']) {
      expect(() => parseAllowEntry(entry), entry).toThrow(/not an egress allowlist entry/);
    }
  });

  it('normalises case, a trailing dot and IPv6 brackets', () => {
    expect(normaliseHost('Example.COM.')).toBe('example.com');
    expect(normaliseHost('[::1]')).toBe('::1');
    expect(normaliseHost('-bad.example')).toBeUndefined();
    expect(normaliseHost('x'.repeat(254))).toBeUndefined();
  });
});
