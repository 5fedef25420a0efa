/**
 * Pieces of a daemon configuration that end-to-end suites write alike: the XMPP component of a test Prosody,
 * a bridge bot, an IRC network. Each gives YAML lines at the indentation their section needs.
 */
import type { ProsodyServer } from "./servers.js";

/** `xmpp.component` for the test Prosody's component (on `port`, a gate's, when given), indented under `xmpp:`. */
export function componentYaml(prosody: ProsodyServer, extra: readonly string[] = [], port = prosody.componentPort): string[] {
  return [
    "  component:",
    "    enabled: true",
    `    domain: ${prosody.componentDomain}`,
    `    port: ${port}`,
    `    secret: ${prosody.componentSecret}`,
    ...extra.map((line) => `    ${line}`),
  ];
}

/** One `xmpp.bots` entry (its password from ${BOT_PASSWORD}), indented under `bots:`. */
export function botYaml(prosody: ProsodyServer, account: string, extra: readonly string[] = ["rooms: []"], port = prosody.c2sPort): string[] {
  return [
    `    - account: ${account}`,
    `      jid: ${account}@${prosody.domain}`,
    "      password: ${BOT_PASSWORD}",
    `      service: xmpp://127.0.0.1:${port}`,
    ...extra.map((line) => `      ${line}`),
  ];
}

/** One `irc.networks` entry on a loopback server, flood control at 100 lines/s, indented under `networks:`. */
export function ircNetworkYaml(name: string, port: number, nick: string, extra: readonly string[] = []): string[] {
  return [
    `    - name: ${name}`,
    "      host: 127.0.0.1",
    `      port: ${port}`,
    `      nick: ${nick}`,
    "      flood:",
    "        burst: 100",
    "        lines_per_second: 100",
    ...extra.map((line) => `      ${line}`),
  ];
}
