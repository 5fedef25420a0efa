/**
 * An IRC user whose channel line did not reach another channel of its bridge is told in a NOTICE, against a real
 * ngIRCd: #src (network "src") is bridged with the moderated #dst (network "dst", the same server reached through a
 * gate), where the sender's puppet has no voice. The report is for the person who said the line, never for
 * whoever holds their nick when it is made: the test holds what ngIRCd answers on dst while the sender changes
 * nick (or quits) and someone else takes their nick on src, and lets the refusal through only once the room was
 * told of that join (the gateway has seen it).
 */
import assert from "node:assert/strict";
import { ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { TcpGate } from "../helpers/tcp-gate.js";

describe("failure reports to IRC senders", function () {
  let irc: IrcServer;
  /** Between the daemon's dst network and ngIRCd: the test decides when the daemon hears #dst's refusal. */
  let gate: TcpGate;
  let daemon: Daemon;
  let chanop: IrcTestClient;
  let watcher: NativeClient;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    irc = await startNgircd();
    gate = await TcpGate.start(irc.host, () => irc.port);
    // #dst exists, moderated, before the gateway joins it: its puppets have no voice there.
    chanop = await IrcTestClient.connect(irc, uniqueUser("chanop"));
    await chanop.join("#dst");
    chanop.send("MODE #dst +m");
    await chanop.waitFor((line) => line.command === "MODE" && line.params[0]?.toLowerCase() === "#dst" && line.params[1] === "+m", 10_000);
    const membership = ["membership:", "  leave_hold_seconds: 0", "  flap_changes: 100"];
    daemon = Daemon.create(
      [
        "bridges:",
        "  - room: rep",
        "    with:",
        '      - "irc://src/#src"',
        '      - "irc://dst/#dst"',
        "irc:",
        "  networks:",
        ...ircNetworkYaml("src", irc.port, "srcgate", membership),
        ...ircNetworkYaml("dst", gate.port, "dstgate", ["puppets:", "  nick_template: \"{name}[d]\"", "  connect_interval_ms: 0"]),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/(IRC network online[\s\S]*){2}/, 15_000);
    watcher = await NativeClient.session(daemon.url, uniqueUser("watcher"), PASSWORD, { register: true });
    await watcher.ok({ type: "room.join", room: "rep" });
  });

  afterEach(function () {
    gate?.releaseReplies();
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await watcher?.close();
    await chanop?.quit().catch(() => undefined);
    await daemon?.dispose();
    await gate?.dispose();
    await irc?.dispose();
  });

  const joined =
    (nick: string) =>
    (frame: Frame): boolean =>
      frame["event"] === "joined" && String((frame["member"] as Record<string, unknown>)["nick"]).toLowerCase() === nick.toLowerCase();
  const report = (line: IrcMessage): boolean => line.command === "NOTICE" && /not delivered to irc:\/\/dst\/%23dst: .*GW_ERR_FORBIDDEN/.test(line.params[1] ?? "");

  async function connect(nick: string, username: string): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(irc, nick, { username });
    closers.push(() => client.quit().catch(() => undefined));
    return client;
  }

  /**
   * Ann joins #src and says a line, which #dst refuses (she is told: her puppet is in #dst now); then what ngIRCd
   * answers on dst is held and she says "second" (refused, unheard). `meanwhile` changes her nick or ends her
   * connection; Bea (another user@host) takes her nick and joins #src. Resolves once the room was told of that
   * join, with dst's answers still held.
   */
  async function annGoesBeaTakesHerNick(meanwhile: (ann: IrcTestClient) => Promise<void>): Promise<{ ann: IrcTestClient; bea: IrcTestClient; nick: string }> {
    const nick = uniqueUser("ann");
    const ann = await connect(nick, "ann");
    await ann.join("#src");
    await watcher.waitForType("room.member", joined(nick), 10_000);
    ann.privmsg("#src", "first");
    await ann.waitFor(report, 15_000, "the report of her first line");

    gate.holdReplies();
    ann.privmsg("#src", "second");
    await gate.oneClientWrote(/PRIVMSG #dst :?second\r?\n/, 15_000);
    await meanwhile(ann);
    const bea = await connect(nick, "bea");
    await bea.join("#src");
    await watcher.waitForType("room.member", joined(nick), 10_000);
    return { ann, bea, nick };
  }

  it("tells the sender under the nick she changed to, and not whoever took her old nick", async function () {
    this.timeout(60_000);
    const newNick = uniqueUser("ann2");
    const { ann, bea } = await annGoesBeaTakesHerNick(async (ann) => {
      ann.send(`NICK ${newNick}`);
      await ann.waitFor((line) => line.command === "NICK" && line.params[0] === newNick, 10_000, "her nick change");
    });
    gate.releaseReplies();
    const told = await ann.waitFor(report, 15_000, "the report of her second line");
    assert.equal(told.params[0], newNick);
    assert.deepEqual(bea.transcript.filter(report), [], "Bea, who took Ann's nick, is told nothing");
  });

  it("drops the report of a line whose sender quit, rather than tell whoever took her nick", async function () {
    this.timeout(60_000);
    const { bea } = await annGoesBeaTakesHerNick((ann) => ann.quit());
    gate.releaseReplies();
    const dropped = daemon.waitForLog(/"code":"GW_ERR_FORBIDDEN"[^\n]*failure report dropped/, 15_000).then(() => "dropped" as const);
    const told = bea.waitFor(report, 15_000).then(() => "told" as const);
    dropped.catch(() => undefined);
    told.catch(() => undefined);
    assert.equal(await Promise.race([dropped, told]), "dropped", "Bea, who took Ann's nick, is not told of Ann's line");
    const logged = daemon.log.split("\n").filter((line) => line.includes("failure report dropped"));
    assert.ok(logged.every((line) => !line.includes("second")), `the log names the failure, not the text: ${logged.join("\n")}`);
  });
});
