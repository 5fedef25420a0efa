/**
 * IPv6 prefixes ("fd00:5b::/64") read into numbers and addresses written back in RFC 5952's canonical text form
 * (lowercase, no leading zeros, the longest run of two or more zero groups as "::", the first of equal runs), which
 * is what inet_ntop writes and so what IRC servers show: an address made here reads the same in a WHOIS. Pure; no
 * IPv4-mapped or zone forms, which a prefix handed to people's puppets has no use for.
 */

export interface Ipv6Prefix {
  /** The prefix's bits, the host bits zero. */
  readonly network: bigint;
  /** Its length in bits. */
  readonly length: number;
}

const GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The 128-bit value of an IPv6 address in text, or undefined when it is not one. */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): string[] | undefined => {
    if (half === undefined || half === "") return [];
    const parts = half.split(":");
    return parts.every((part) => GROUP.test(part)) ? parts : undefined;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(missing).fill("0"), ...tail];
  return all.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** An IPv6 prefix "<address>/<length>" with `maxLength` at most, or undefined when it is not one. */
export function parseIpv6Prefix(text: string, maxLength = 128): Ipv6Prefix | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  const address = parseIpv6(text.slice(0, slash));
  if (address === undefined || length < 1 || length > maxLength) return undefined;
  const hostBits = (1n << BigInt(128 - length)) - 1n;
  return { network: address & ~hostBits & ((1n << 128n) - 1n), length };
}

/** The address in the prefix whose host bits are the low bits of `bits` (the prefix's own bits are kept). */
export function addressInPrefix(prefix: Ipv6Prefix, bits: bigint): bigint {
  const hostBits = (1n << BigInt(128 - prefix.length)) - 1n;
  return prefix.network | (bits & hostBits);
}

/** RFC 5952 section 4 text of a 128-bit address. */
export function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let end = start;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
  }
  const text = (part: number[]): string => part.map((group) => group.toString(16)).join(":");
  if (bestStart < 0) return text(groups);
  return `${text(groups.slice(0, bestStart))}::${text(groups.slice(bestStart + bestLength))}`;
}
