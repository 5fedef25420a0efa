/**
 * Failure reports to IRC senders logged in to a services account, against a real InspIRCd 3 (with its
 * ircv3_accounttag module) linked to Atheme 7.2: the gateway asks for IRCv3 account-tag, so each line it takes
 * carries its sender's account, and a report reaches whoever holds the sender's nick when it is made only when
 * that is the same user@host or, for a tagged line, someone logged in to the same account: the sender back
 * from another client (another user name), not someone else who took the nick.
 *
 * As in irc-failure-reports.test.ts: #src (network "src") is bridged with the moderated #dst (network "dst",
 * the same server reached through a gate), where the sender's puppet has no voice; the test holds what the
 * server answers on dst while the sender quits and someone takes her nick, and lets the refusal through after.
 */
import assert from "node:assert/strict";
import { startAtheme, type Atheme } from "../helpers/atheme.js";
import { ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { TcpGate } from "../helpers/tcp-gate.js";

/** Installing InspIRCd and atheme-services on a fresh machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const SERVICES = { name: "services.switchboard.test", password: "link-secret-42" };
const ANN = { name: "annacct", password: "ann-Pass-word" };
const BEA = { name: "beaacct", password: "bea-Pass-word" };
/** The daemon's log line of a report dropped because its sender is not who holds the nick. */
const DROPPED = /"code":"GW_ERR_FORBIDDEN"[^\n]*failure report dropped: its sender/g;

describe("failure reports to IRC senders logged in to services accounts (InspIRCd with Atheme)", function () {
  let irc: IrcServer;
  let atheme: Atheme;
  /** Between the daemon's dst network and InspIRCd: the test decides when the daemon hears #dst's refusal. */
  let gate: TcpGate;
  let daemon: Daemon;
  let chanop: IrcTestClient;
  let watcher: NativeClient;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    irc = await startInspircd({ services: SERVICES });
    atheme = await startAtheme(irc, { accounts: [ANN, BEA] });
    gate = await TcpGate.start(irc.host, () => irc.port);
    // #dst exists, moderated, before the gateway joins it: its puppets have no voice there.
    chanop = await IrcTestClient.connect(irc, uniqueUser("chanop"), { timeoutMs: 10_000 });
    await chanop.join("#dst");
    chanop.send("MODE #dst +m");
    await chanop.waitFor((line) => line.command === "MODE" && line.params[0]?.toLowerCase() === "#dst" && line.params[1] === "+m", 10_000);
    const membership = ["membership:", "  leave_hold_seconds: 0", "  flap_changes: 100"];
    daemon = Daemon.create(
      [
        "bridges:",
        "  - room: acctrep",
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
    watcher = await NativeClient.session(daemon.url, uniqueUser("watcher"), PASSWORD, { register: true });
    await watcher.ok({ type: "room.join", room: "acctrep" });
  });

  afterEach(function () {
    gate?.releaseReplies();
    if (this.currentTest?.state === "failed") {
      console.log(`--- daemon ---\n${daemon?.log.slice(-5000) ?? ""}\n--- atheme ---\n${atheme?.log().slice(-2000) ?? ""}`);
    }
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await watcher?.close();
    await chanop?.quit().catch(() => undefined);
    await daemon?.dispose();
    await gate?.dispose();
    await atheme?.dispose();
    await irc?.dispose();
  });

  const joined =
    (nick: string) =>
    (frame: Frame): boolean =>
      frame["event"] === "joined" && String((frame["member"] as Record<string, unknown>)["nick"]).toLowerCase() === nick.toLowerCase();
  const report = (line: IrcMessage): boolean => line.command === "NOTICE" && /not delivered to irc:\/\/dst\/%23dst: .*GW_ERR_FORBIDDEN/.test(line.params[1] ?? "");

  /** A connection under `nick` with its own user name, logged in to `account` (NickServ IDENTIFY). */
  async function loggedIn(nick: string, username: string, account: { name: string; password: string }): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(irc, nick, { username, timeoutMs: 10_000 });
    closers.push(() => client.quit().catch(() => undefined));
    client.privmsg("NickServ", `IDENTIFY ${account.name} ${account.password}`);
    // Atheme sets the account on InspIRCd (METADATA) before it sends this NOTICE, on the same link.
    await client.waitFor((line) => line.command === "NOTICE" && client.same(line.nick, "NickServ") && /identified/i.test(line.params[1] ?? ""), 10_000, "NickServ's answer to IDENTIFY");
    return client;
  }

  /**
   * Ann, logged in to her account, joins #src and says a line, which #dst refuses (she is told); then what
   * InspIRCd answers on dst is held, she says "second" (refused, unheard) and quits. Resolves with her nick.
   */
  async function annSaysAndQuits(): Promise<string> {
    const nick = uniqueUser("ann");
    const ann = await loggedIn(nick, "ann", ANN);
    await ann.join("#src");
    await watcher.waitForType("room.member", joined(nick), 10_000);
    ann.privmsg("#src", "first");
    await ann.waitFor(report, 15_000, "the report of her first line");

    gate.holdReplies();
    ann.privmsg("#src", "second");
    await gate.oneClientWrote(/PRIVMSG #dst :?second\r?\n/, 15_000);
    await ann.quit();
    return nick;
  }

  it("tells the sender back under her nick from another client, logged in to the account her line was tagged with", async function () {
    this.timeout(60_000);
    const nick = await annSaysAndQuits();
    // Another user name: not the user@host that said the line; the same account.
    const annAgain = await loggedIn(nick, "annphone", ANN);
    gate.releaseReplies();
    const told = await annAgain.waitFor(report, 15_000, "the report of her second line, at her other client");
    assert.equal(told.params[0]?.toLowerCase(), nick.toLowerCase());
  });

  it("drops the report when whoever holds the sender's nick now is logged in to another account", async function () {
    this.timeout(60_000);
    const nick = await annSaysAndQuits();
    const bea = await loggedIn(nick, "bea", BEA);
    gate.releaseReplies();
    const droppedBefore = daemon.log.match(DROPPED)?.length ?? 0;
    const dropped = daemon.waitForLog(new RegExp(`(${DROPPED.source}[\\s\\S]*){${droppedBefore + 1}}`), 15_000).then(() => "dropped" as const);
    const told = bea.waitFor(report, 15_000).then(() => "told" as const);
    dropped.catch(() => undefined);
    told.catch(() => undefined);
    assert.equal(await Promise.race([dropped, told]), "dropped", "Bea, logged in to her own account under Ann's nick, is not told of Ann's line");
  });
});
