/**
 * The setup of the suites on failure reports to IRC senders (irc-failure-reports*.test.ts), on whichever real IRC
 * server the suite started (ngIRCd, or InspIRCd with Atheme): #src (network "src") is bridged with the moderated
 * #dst (network "dst", the same server reached through a gate), where a sender's puppet has no voice, so every
 * line said in #src is refused in #dst. The gate lets a test hold what the server answers on dst (the refusal)
 * while the sender changes nick, quits or logs out, and let it through after. A native watcher in the room sees
 * who joins #src (the daemon has seen the join). dispose() stops what start() started, not the server.
 */
import { ircNetworkYaml } from "./config-yaml.js";
import { Daemon, uniqueUser } from "./daemon.js";
import { PASSWORD } from "./gateway-fixture.js";
import { IrcTestClient, type IrcConnectOptions, type IrcMessage } from "./irc-client.js";
import type { IrcServer } from "./irc-servers.js";
import { NativeClient, type Frame } from "./native-client.js";
import { TcpGate } from "./tcp-gate.js";

/** The daemon's log line of a report dropped because the holder of its sender's nick is not its sender. */
const DROPPED = /"code":"GW_ERR_FORBIDDEN"[^\n]*failure report dropped: its sender/g;

/** The NOTICE that reports a line refused in #dst. */
export function isReport(line: IrcMessage): boolean {
  return line.command === "NOTICE" && /not delivered to irc:\/\/dst\/%23dst: .*GW_ERR_FORBIDDEN/.test(line.params[1] ?? "");
}

export interface FailureReportBridgeOptions {
  /** The native room bridging #src and #dst. */
  readonly room: string;
  /** How long an IRC client of the test may take to register. */
  readonly connectTimeoutMs?: number;
}

export class FailureReportBridge {
  private readonly clients: IrcTestClient[] = [];

  private constructor(
    readonly irc: IrcServer,
    /** Between the daemon's dst network and the server: the test decides when the daemon hears #dst's refusal. */
    readonly gate: TcpGate,
    readonly daemon: Daemon,
    private readonly chanop: IrcTestClient,
    private readonly watcher: NativeClient,
    private readonly connectTimeoutMs: number | undefined,
  ) {}

  static async start(irc: IrcServer, options: FailureReportBridgeOptions): Promise<FailureReportBridge> {
    const timeout = options.connectTimeoutMs === undefined ? {} : { timeoutMs: options.connectTimeoutMs };
    const gate = await TcpGate.start(irc.host, () => irc.port);
    // #dst exists, moderated, before the gateway joins it: its puppets have no voice there.
    const chanop = await IrcTestClient.connect(irc, uniqueUser("chanop"), timeout);
    await chanop.join("#dst");
    chanop.send("MODE #dst +m");
    await chanop.waitFor((line) => line.command === "MODE" && line.params[0]?.toLowerCase() === "#dst" && line.params[1] === "+m", 10_000);
    const membership = ["membership:", "  leave_hold_seconds: 0", "  flap_changes: 100"];
    const daemon = Daemon.create(
      [
        "bridges:",
        `  - room: ${options.room}`,
        "    with:",
        '      - "irc://src/#src"',
        '      - "irc://dst/#dst"',
        "irc:",
        "  networks:",
        ...ircNetworkYaml("src", irc.port, "srcgate", membership),
        ...ircNetworkYaml("dst", gate.port, "dstgate", ["puppets:", '  nick_template: "{name}[d]"', "  connect_interval_ms: 0"]),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/(IRC network online[\s\S]*){2}/, 15_000);
    const watcher = await NativeClient.session(daemon.url, uniqueUser("watcher"), PASSWORD, { register: true });
    await watcher.ok({ type: "room.join", room: options.room });
    return new FailureReportBridge(irc, gate, daemon, chanop, watcher, options.connectTimeoutMs);
  }

  /** A client of the test under `nick`, quit by dispose(). */
  async connect(nick: string, options: IrcConnectOptions = {}): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(this.irc, nick, { ...(this.connectTimeoutMs === undefined ? {} : { timeoutMs: this.connectTimeoutMs }), ...options });
    this.clients.push(client);
    return client;
  }

  /** `client` (under `nick`) joins #src; resolves once the room was told (the daemon has seen the join). */
  async joinSrc(client: IrcTestClient, nick: string): Promise<void> {
    await client.join("#src");
    await this.watcher.waitForType("room.member", joined(nick), 10_000);
  }

  /**
   * `client` (in #src) says "first", which #dst refuses, and is told; then what the server answers on dst is held
   * and it says `text`, refused and unheard until the gate releases the server's replies.
   */
  async saysRefusedLineHeld(client: IrcTestClient, text = "second"): Promise<void> {
    client.privmsg("#src", "first");
    await client.waitFor(isReport, 15_000, "the report of the first line");
    this.gate.holdReplies();
    client.privmsg("#src", text);
    await this.gate.oneClientWrote(new RegExp(`PRIVMSG #dst :?${text}\\r?\\n`), 15_000);
  }

  /**
   * Once the server's replies are released: whether the daemon dropped a report (a new "failure report dropped"
   * line in its log) or `client` was told first.
   */
  async droppedOrTold(client: IrcTestClient): Promise<"dropped" | "told"> {
    const droppedBefore = this.daemon.log.match(DROPPED)?.length ?? 0;
    const dropped = this.daemon.waitForLog(new RegExp(`(${DROPPED.source}[\\s\\S]*){${droppedBefore + 1}}`), 15_000).then(() => "dropped" as const);
    const told = client.waitFor(isReport, 15_000).then(() => "told" as const);
    dropped.catch(() => undefined);
    told.catch(() => undefined);
    this.gate.releaseReplies();
    return Promise.race([dropped, told]);
  }

  async dispose(): Promise<void> {
    this.gate.releaseReplies();
    for (const client of this.clients) await client.quit().catch(() => undefined);
    await this.watcher.close();
    await this.chanop.quit().catch(() => undefined);
    await this.daemon.dispose();
    await this.gate.dispose();
  }
}

function joined(nick: string): (frame: Frame) => boolean {
  return (frame) => frame["event"] === "joined" && String((frame["member"] as Record<string, unknown>)["nick"]).toLowerCase() === nick.toLowerCase();
}
