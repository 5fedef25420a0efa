/**
 * The set-up of an end-to-end suite across networks: a real Prosody with the gateway's component, one real IRC
 * server (ngIRCd, or InspIRCd for MONITOR; none for a suite about XMPP and native users only) configured as network
 * `NETWORK`, one daemon for the suite, and users on every network that are closed with it. Call inside a `describe`.
 */
import { componentYaml } from "./config-yaml.js";
import { Daemon, uniqueUser } from "./daemon.js";
import { PASSWORD } from "./gateway-fixture.js";
import { IrcTestClient } from "./irc-client.js";
import { startInspircd, startNgircd, type IrcServer, type IrcServerOptions } from "./irc-servers.js";
import { NativeClient } from "./native-client.js";
import { startProsody, type ProsodyServer } from "./servers.js";
import { XmppTestClient } from "./xmpp-client.js";

export const NETWORK = "libera";
export const GATEWAY_NICK = "sbgate";

export interface NetworkSuite {
  readonly prosody: () => ProsodyServer;
  readonly irc: () => IrcServer;
  /** The suite's daemon, which a test may stop and start again (it is disposed with the suite). */
  readonly daemon: () => Daemon;
  /** A registered, logged-in native user; `nameOf` gives its user name. */
  native(prefix: string): Promise<NativeClient>;
  /** A native session of the user `name` (registered first only when `options.register`), asking `options.features`. */
  nativeAs(name: string, options?: NativeSessionOptions): Promise<NativeClient>;
  nameOf(client: NativeClient): string;
  xmppUser(prefix: string): Promise<XmppTestClient>;
  /** The XMPP user `name`, registered on Prosody, connected and available. */
  xmppUserAs(name: string): Promise<XmppTestClient>;
  ircUser(prefix: string): Promise<IrcTestClient>;
  /** A client a test opened itself, to be closed with the suite. */
  closing<T extends NativeClient | XmppTestClient>(client: T): T;
}

type NativeSessionOptions = Parameters<typeof NativeClient.session>[3];

export interface NetworkSuiteOptions {
  /** "none": Prosody only, no `irc` section in the configuration; `irc` and `ircUser` throw. */
  readonly ircServer?: "ngircd" | "inspircd" | "none";
  /** More keys of the IRC network (YAML lines indented as its other keys). */
  readonly ircYaml?: readonly string[];
  /** The gateway's admins (config `admins`), addresses such as `xmpp:op@localhost`. */
  readonly admins?: readonly string[];
  /** xmpp.component.messages_from (default here: anyone, so tests need no subscription before a chat). */
  readonly messagesFrom?: "anyone" | "contacts";
  /** More keys of `xmpp.component` (YAML lines as componentYaml takes them, such as `registration: false`). */
  readonly componentYaml?: readonly string[];
  /** More top-level sections of the configuration (YAML lines, `rooms:` and its keys indented below it). */
  readonly yaml?: readonly string[];
  /** Options of the IRC server (ngIRCd: operators...). */
  readonly ircServerOptions?: IrcServerOptions;
  /** More keys of the `irc:` section beside `networks:` (YAML lines indented by two spaces), given the IRC server. */
  readonly ircSectionYaml?: (irc: IrcServer) => readonly string[];
  /** Prosody's options (mod_pep...). */
  readonly prosodyOptions?: Parameters<typeof startProsody>[0];
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
    [prosody, irc] = await Promise.all([startProsody(options.prosodyOptions), startIrcServer(options.ircServer, options.ircServerOptions)]);
    daemon = Daemon.create(
      [
        ...(options.admins === undefined ? [] : [`admins: ${JSON.stringify(options.admins)}`]),
        ...(options.yaml ?? []),
        "xmpp:",
        ...componentYaml(prosody, [`messages_from: ${options.messagesFrom ?? "anyone"}`, ...(options.componentYaml ?? [])]),
        ...(irc === undefined ? [] : ["irc:", "  networks:", ...ircYaml(irc, options.ircYaml ?? []), ...(options.ircSectionYaml?.(irc) ?? [])]),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
    if (irc !== undefined) await daemon.waitForLog(/IRC network online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && daemon) console.log(daemon.log.slice(-4000), prosody?.log().slice(-3000));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await daemon?.dispose();
    await irc?.dispose();
    await prosody?.dispose();
  });

  const closing = <T extends NativeClient | XmppTestClient>(client: T): T => {
    closers.push(() => (client instanceof NativeClient ? client.close() : client.stop()));
    return client;
  };
  const nativeAs = async (name: string, sessionOptions?: NativeSessionOptions): Promise<NativeClient> => {
    const client = closing(await NativeClient.session(need(daemon, "the daemon").url, name, PASSWORD, sessionOptions));
    names.set(client, name);
    return client;
  };
  const xmppUserAs = async (name: string): Promise<XmppTestClient> => closing(await XmppTestClient.newUser(need(prosody, "Prosody"), name, PASSWORD));

  return {
    prosody: () => need(prosody, "Prosody"),
    irc: () => need(irc, "the IRC server"),
    daemon: () => need(daemon, "the daemon"),
    native: (prefix) => nativeAs(uniqueUser(prefix), { register: true }),
    nativeAs,
    nameOf: (client) => names.get(client) ?? "",
    xmppUser: (prefix) => xmppUserAs(uniqueUser(prefix)),
    xmppUserAs,
    async ircUser(prefix) {
      const client = await IrcTestClient.connect(need(irc, "the IRC server"), uniqueUser(prefix));
      closers.push(() => client.quit());
      return client;
    },
    closing,
  };
}

function startIrcServer(kind: NetworkSuiteOptions["ircServer"], options: IrcServerOptions = {}): Promise<IrcServer | undefined> {
  if (kind === "none") return Promise.resolve(undefined);
  return kind === "inspircd" ? startInspircd(options) : startNgircd(options);
}

/** The suite's network `NETWORK` on `irc`, indented under `networks:` (no flood settings: the daemon's defaults). */
function ircYaml(irc: IrcServer, extra: readonly string[]): string[] {
  return [`    - name: ${NETWORK}`, "      host: 127.0.0.1", `      port: ${irc.port}`, `      nick: ${GATEWAY_NICK}`, ...extra.map((line) => `      ${line}`)];
}
