import { describe, expect, it } from 'vitest';
import { AddressAllowance, addressRefusal, classifyAddress } from './address-rules.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.100.100.200', 'cgnat'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['not-an-address', 'reserved'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(['93.184.215.14', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111'])(
    'treats %s as public',
    (address) => {
      expect(classifyAddress(address)).toBeUndefined();
    },
  );
});

describe('addressRefusal', () => {
  it('refuses loopback unless its range is allowed explicitly, and only that range', () => {
    const none = new AddressAllowance([]);
    const loopback = new AddressAllowance(['127.0.0.0/8', '::1']);
    expect(addressRefusal('127.0.0.1', none)).toBe('forbidden-address:loopback');
    expect(addressRefusal('127.0.0.1', loopback)).toBeUndefined();
    expect(addressRefusal('::1', loopback)).toBeUndefined();
    expect(addressRefusal('169.254.169.254', loopback)).toBe('forbidden-address:metadata');
    expect(addressRefusal('10.0.0.1', loopback)).toBe('forbidden-address:private');
    expect(addressRefusal('1.1.1.1', none)).toBeUndefined();
  });

  it('rejects a malformed allowance instead of allowing nothing or everything', () => {
    for (const range of ['10.0.0.0/33', 'localhost', '10.0.0.0/x', '::1/129', '']) {
      expect(() => new AddressAllowance([range]), range).toThrow(/not an address range/);
    }
  });
});
