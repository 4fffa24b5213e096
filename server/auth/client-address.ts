// The client address a failed login is counted under. Someone with one IPv6 address usually has a
// whole /56 or /64 of them, so an IPv6 address counts as its /56 (as express-rate-limit, which
// counted login failures before, did); an IPv4-mapped IPv6 address counts as the IPv4 address.
import ipaddr from 'ipaddr.js';

const IPV6_PREFIX = 56;
/** The width of login_failures.address. */
const LONGEST = 64;

export function clientAddressKey(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  if (!ipaddr.isValid(ip)) return ip.slice(0, LONGEST);
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${IPV6_PREFIX}`).toString()}/${IPV6_PREFIX}`;
}
