/**
 * The set-up of a suite that needs one real IRC server (ngIRCd or InspIRCd) and a real Prosody beside the daemon, with
 * a configuration of its own (the channel directory suites: a configured network, or servers on demand): both servers
 * started at once, what the suite makes on them first (IRC clients, channels), then the daemon, ready once it logged
 * what the suite waits for. Clients made through the suite, and closers it is given, are closed after it, the last
 * first, then the daemon and the servers; a failed test prints the end of the daemon's log. Call inside a `describe`,
 * before the suite's own hooks (the house way: network-suite.ts, whose network and configuration are fixed).
 */
import { Daemon, uniqueUser } from "./daemon.js";
import { PASSWORD } from "./gateway-fixture.js";
import { startInspircd, startNgircd, type IrcServer } from "./irc-servers.js";
import { NativeClient } from "./native-client.js";
import { startProsody, type ProsodyServer } from "./servers.js";
import { XmppTestClient } from "./xmpp-client.js";

const INSTALL_TIMEOUT_MS = 11 * 60 * 1000; // installing the servers on a fresh machine may take minutes
const READY_TIMEOUT_MS = 15_000;

export interface IrcProsodySuiteOptions {
  readonly ircServer: "ngircd" | "inspircd";
  /** What the suite makes on the servers before the daemon starts (IRC clients, channels). */
  readonly beforeDaemon?: () => Promise<void>;
  /** The daemon's configuration (YAML lines), given both servers. */
  readonly yaml: (irc: IrcServer, prosody: ProsodyServer) => readonly string[];
  /** What the daemon logs once it is ready (`IRC network online`, `XMPP component online`), awaited in order. */
  readonly ready: readonly RegExp[];
}

export interface IrcProsodySuite {
  readonly irc: () => IrcServer;
  readonly prosody: () => ProsodyServer;
  readonly daemon: () => Daemon;
  /** A registered, logged-in native user `name`, closed with the suite. */
  native(name: string): Promise<NativeClient>;
  /** A new XMPP user on Prosody (a unique name from `prefix`), connected and available, stopped with the suite. */
  xmppUser(prefix: string): Promise<XmppTestClient>;
  /** Something the suite opened itself, closed with it (before what was opened earlier). */
  closing(close: () => Promise<unknown>): void;
}

export function useIrcAndProsody(options: IrcProsodySuiteOptions): IrcProsodySuite {
  let irc: IrcServer | undefined;
  let prosody: ProsodyServer | undefined;
  let daemon: Daemon | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet`);
    return value;
  };

  const suite: IrcProsodySuite = {
    irc: () => need(irc, "the IRC server"),
    prosody: () => need(prosody, "Prosody"),
    daemon: () => need(daemon, "the daemon"),
    async native(name) {
      const client = await NativeClient.session(suite.daemon().url, name, PASSWORD, { register: true });
      closers.push(() => client.close());
      return client;
    },
    async xmppUser(prefix) {
      const client = await XmppTestClient.newUser(suite.prosody(), uniqueUser(prefix), PASSWORD);
      closers.push(() => client.stop());
      return client;
    },
    closing: (close) => void closers.push(close),
  };

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    [irc, prosody] = await Promise.all([options.ircServer === "inspircd" ? startInspircd() : startNgircd(), startProsody()]);
    await options.beforeDaemon?.();
    daemon = Daemon.create(options.yaml(irc, prosody).join("\n"));
    await daemon.start();
    for (const line of options.ready) await daemon.waitForLog(line, READY_TIMEOUT_MS);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- daemon ---\n${daemon?.log.slice(-5000) ?? ""}`);
  });

  after(async function () {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await daemon?.dispose();
    await irc?.dispose();
    await prosody?.dispose();
  });

  return suite;
}
