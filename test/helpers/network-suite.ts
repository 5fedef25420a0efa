/**
 * The set-up of an end-to-end suite across networks: a real Prosody with the gateway's component, one real IRC
 * server (ngIRCd, or InspIRCd for MONITOR) configured as network `NETWORK`, one daemon for the suite, and
 * users on every network that are closed with it. Call inside a `describe`.
 */
import { componentYaml } from "./config-yaml.js";
import { Daemon, uniqueUser } from "./daemon.js";
import { PASSWORD } from "./gateway-fixture.js";
import { IrcTestClient } from "./irc-client.js";
import { startInspircd, startNgircd, type IrcServer } from "./irc-servers.js";
import { NativeClient } from "./native-client.js";
import { startProsody, type ProsodyServer } from "./servers.js";
import { XmppTestClient } from "./xmpp-client.js";

export const NETWORK = "libera";
export const GATEWAY_NICK = "sbgate";

export interface NetworkSuite {
  readonly prosody: () => ProsodyServer;
  readonly irc: () => IrcServer;
  readonly daemon: () => Daemon;
  /** A registered, logged-in native user; `nameOf` gives its user name. */
  native(prefix: string): Promise<NativeClient>;
  nameOf(client: NativeClient): string;
  xmppUser(prefix: string): Promise<XmppTestClient>;
  ircUser(prefix: string): Promise<IrcTestClient>;
}

export interface NetworkSuiteOptions {
  readonly ircServer?: "ngircd" | "inspircd";
  /** More keys of the IRC network (YAML lines indented as its other keys). */
  readonly ircYaml?: readonly string[];
  /** The gateway's admins (config `admins`), addresses such as `xmpp:op@localhost`. */
  readonly admins?: readonly string[];
  /** xmpp.component.messages_from (default here: anyone, so tests need no subscription before a chat). */
  readonly messagesFrom?: "anyone" | "contacts";
  /** More top-level sections of the configuration (YAML lines, `rooms:` and its keys indented below it). */
  readonly yaml?: readonly string[];
}

export function useNetworks(options: NetworkSuiteOptions = {}): NetworkSuite {
  let prosody: ProsodyServer | undefined;
  let irc: IrcServer | undefined;
  let daemon: Daemon | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  const names = new Map<NativeClient, string>();
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet`);
    return value;
  };

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing the servers on a fresh machine may take minutes
    [prosody, irc] = await Promise.all([startProsody(), options.ircServer === "inspircd" ? startInspircd() : startNgircd()]);
    daemon = Daemon.create(
      [
        ...(options.admins === undefined ? [] : [`admins: ${JSON.stringify(options.admins)}`]),
        ...(options.yaml ?? []),
        "xmpp:",
        ...componentYaml(prosody, [`messages_from: ${options.messagesFrom ?? "anyone"}`]),
        "irc:",
        "  networks:",
        `    - name: ${NETWORK}`,
        "      host: 127.0.0.1",
        `      port: ${irc.port}`,
        `      nick: ${GATEWAY_NICK}`,
        ...(options.ircYaml ?? []).map((line) => `      ${line}`),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
    await daemon.waitForLog(/IRC network online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && daemon) console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await daemon?.dispose();
    await irc?.dispose();
    await prosody?.dispose();
  });

  return {
    prosody: () => need(prosody, "Prosody"),
    irc: () => need(irc, "the IRC server"),
    daemon: () => need(daemon, "the daemon"),
    async native(prefix) {
      const name = uniqueUser(prefix);
      const client = await NativeClient.session(need(daemon, "the daemon").url, name, PASSWORD, { register: true });
      names.set(client, name);
      closers.push(() => client.close());
      return client;
    },
    nameOf: (client) => names.get(client) ?? "",
    async xmppUser(prefix) {
      const client = await XmppTestClient.newUser(need(prosody, "Prosody"), uniqueUser(prefix), PASSWORD);
      closers.push(() => client.stop());
      return client;
    },
    async ircUser(prefix) {
      const client = await IrcTestClient.connect(need(irc, "the IRC server"), uniqueUser(prefix));
      closers.push(() => client.quit());
      return client;
    },
  };
}
