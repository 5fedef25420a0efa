/**
 * Hosts whose traffic never leaves the machine: a 127.0.0.0/8 address (also IPv4-mapped, as a socket gives a
 * client's address), IPv6 ::1 (bare or bracketed, as in a URL) and the name localhost.
 */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::ffff:127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}
