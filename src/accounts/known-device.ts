import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** How long a device stays known after its last sign-in. */
export const KNOWN_DEVICE_DAYS = 90;
export const KNOWN_DEVICE_MS = KNOWN_DEVICE_DAYS * 86_400_000;

/** The eight 16-bit groups of a valid IPv6 address, a trailing dotted IPv4 part included. */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (groups: string) => (groups === '' ? [] : groups.split(':'));
  const before = part(head);
  const after = tail === undefined ? [] : part(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].map((group) => parseInt(group, 16));
}

/**
 * The network a client address belongs to: the IPv4 /24 or the IPv6 /48. A new address from the
 * same home or office network (DHCP, IPv6 privacy addresses) is the same device; another network is not.
 */
export function networkOf(address: string): string {
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  // An IPv4 client seen through a dual-stack socket (::ffff:a.b.c.d) is that IPv4 client.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.0/24`;
  }
  return `${groups
    .slice(0, 3)
    .map((group) => group.toString(16))
    .join(':')}::/48`;
}

/**
 * What is stored for a device: no user agent or address can be read back from it. The user id is
 * hashed in so that equal fingerprints never tell that two users share a device or a network.
 */
export function deviceFingerprint(userId: string, userAgent: string | null, clientAddress: string): string {
  return createHash('sha256')
    .update(`${userId}\n${userAgent ?? ''}\n${networkOf(clientAddress)}`)
    .digest('hex');
}
