/**
 * A bridge bot tells a MUC occupant privately that their line did not reach the bridged IRC channel (moderated:
 * ngIRCd refuses the puppet's line), against a real Prosody and a real ngIRCd. The report is for the occupant who
 * said the line, never for whoever holds their nick when it is made: the test holds ngIRCd's answers (a gate
 * between the daemon and ngIRCd) while the sender leaves and someone else joins under their nick, and lets the
 * refusal through only once the native room was told of that join (the bot has seen it). In a semi-anonymous MUC
 * (the bot a participant, real JIDs hidden) the report is dropped; in a MUC that shows the bot real JIDs (it
 * created the MUC: owner) it finds its sender under the nick she came back with.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { botYaml, ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { TcpGate } from "../helpers/tcp-gate.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC_NS = "http://jabber.org/protocol/muc";

describe("a bridge bot's failure reports to MUC occupants", function () {
  let prosody: ProsodyServer;
  let irc: IrcServer;
  /** Between the daemon and ngIRCd: the test decides when the daemon hears the channel's refusal. */
  let gate: TcpGate;
  let daemon: Daemon;
  let chanop: IrcTestClient;
  /** Opens anon@ before the bot joins it: the bot is then a participant, to whom the MUC hides real JIDs. */
  let keeper: XmppTestClient;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing the servers on a fresh machine may take minutes
    [prosody, irc] = await Promise.all([startProsody(), startNgircd()]);
    gate = await TcpGate.start(irc.host, () => irc.port);
    // The channels exist, moderated, before the gateway joins them: its puppets have no voice there.
    chanop = await IrcTestClient.connect(irc, uniqueUser("chanop"));
    for (const channel of ["#anon", "#open"]) {
      await chanop.join(channel);
      chanop.send(`MODE ${channel} +m`);
      await chanop.waitFor((line) => line.command === "MODE" && line.params[0]?.toLowerCase() === channel && line.params[1] === "+m", 10_000);
    }
    await prosody.register("repbot", PASSWORD);
    keeper = await XmppTestClient.newUser(prosody, uniqueUser("keeper"), PASSWORD);
    await keeper.send(xml("presence", { to: `anon@${prosody.mucDomain}/Keeper` }, xml("x", { xmlns: MUC_NS })));
    await keeper.waitForPresence(`anon@${prosody.mucDomain}/Keeper`);
    daemon = Daemon.create(
      [
        "bridges:",
        ...["anon", "open"].flatMap((name) => [`  - room: ${name}`, "    nick: bridge", "    with:", `      - "irc://net/#${name}"`, `      - xmpp://repbot/${name}@${prosody.mucDomain}`]),
        "xmpp:",
        "  bots:",
        // Joins and leaves reach the native room at once: the test awaits them there.
        ...botYaml(prosody, "repbot", ["rooms: []", "membership:", "  leave_hold_seconds: 0", "  flap_changes: 100"]),
        "irc:",
        "  networks:",
        ...ircNetworkYaml("net", gate.port, "repgate"),
      ].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: PASSWORD });
    await daemon.waitForLog(/XMPP bot online/);
    await daemon.waitForLog(/IRC network online/);
  });

  afterEach(function () {
    gate?.releaseReplies();
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await keeper?.stop();
    await chanop?.quit().catch(() => undefined);
    await daemon?.dispose();
    await gate?.dispose();
    await irc?.dispose();
    await prosody?.dispose();
  });

  const memberEvent =
    (event: string, nick: string) =>
    (frame: Frame): boolean =>
      frame["event"] === event && (frame["member"] as Record<string, unknown>)["nick"] === nick;
  const reportFromBot = (muc: string) => (stanza: Element): boolean => stanza.is("message") && stanza.attrs["type"] === "chat" && stanza.attrs["from"] === `${muc}/bridge`;

  async function joinMuc(muc: string, nick: string): Promise<XmppTestClient> {
    const client = await XmppTestClient.newUser(prosody, uniqueUser(nick.toLowerCase()), PASSWORD);
    closers.push(() => client.stop());
    await enter(client, muc, nick);
    return client;
  }

  async function enter(client: XmppTestClient, muc: string, nick: string): Promise<void> {
    await client.send(xml("presence", { to: `${muc}/${nick}` }, xml("x", { xmlns: MUC_NS })));
    await client.waitForPresence(`${muc}/${nick}`, (presence) => (presence.getChild("x", `${MUC_NS}#user`)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"));
  }

  /**
   * Ann joins the MUC and says a line, which the moderated channel refuses (she is told: her puppet is in the
   * channel now); then ngIRCd's answers are held, she says "second" (refused, unheard), leaves, and Bea joins as
   * Ann. Resolves once the native room was told of Bea's join, with ngIRCd's answers still held.
   */
  async function annLeavesBeaTakesHerNick(room: string): Promise<{ muc: string; ann: XmppTestClient; bea: XmppTestClient; watcher: NativeClient }> {
    const muc = `${room}@${prosody.mucDomain}`;
    const watcher = await NativeClient.session(daemon.url, uniqueUser("watcher"), PASSWORD, { register: true });
    closers.push(() => watcher.close());
    await watcher.ok({ type: "room.join", room });
    const ann = await joinMuc(muc, "Ann");
    await watcher.waitForType("room.member", memberEvent("joined", "Ann"), 10_000);
    await ann.sendMessage(muc, "first", "groupchat");
    const first = await ann.waitFor(reportFromBot(muc), 15_000, "the report of her first line");
    assert.match(first.getChildText("body") ?? "", new RegExp(`not delivered to irc://net/%23${room}: .*GW_ERR_FORBIDDEN`));

    gate.holdReplies();
    await ann.sendMessage(muc, "second", "groupchat");
    await gate.oneClientWrote(new RegExp(`PRIVMSG #${room} :?second\\r?\\n`), 15_000);
    await ann.send(xml("presence", { to: `${muc}/Ann`, type: "unavailable" }));
    await watcher.waitForType("room.member", memberEvent("left", "Ann"), 10_000);
    const bea = await joinMuc(muc, "Ann");
    await watcher.waitForType("room.member", memberEvent("joined", "Ann"), 10_000);
    return { muc, ann, bea, watcher };
  }

  /** Which comes first: the daemon's log line of a dropped report, or a report from the bot reaching `client`. */
  async function droppedOrTold(client: XmppTestClient, muc: string): Promise<"dropped" | "told"> {
    const dropped = daemon.waitForLog(/"code":"GW_ERR_FORBIDDEN"[^\n]*failure report dropped/, 15_000).then(() => "dropped" as const);
    const told = client.waitFor(reportFromBot(muc), 15_000).then(() => "told" as const);
    dropped.catch(() => undefined);
    told.catch(() => undefined);
    return Promise.race([dropped, told]);
  }

  it("drops the report of a line whose sender left a semi-anonymous MUC, rather than tell whoever took her nick", async function () {
    this.timeout(60_000);
    const { muc, bea } = await annLeavesBeaTakesHerNick("anon");
    // The MUC hides real JIDs from participants, as it does from the bot: the bot knows Ann by her nick alone.
    const keeperSeen = bea.transcript.find((stanza) => stanza.is("presence") && stanza.attrs["from"] === `${muc}/Keeper`);
    assert.equal(keeperSeen?.getChild("x", `${MUC_NS}#user`)?.getChild("item")?.attrs["jid"], undefined, "anon@ is semi-anonymous");
    gate.releaseReplies();
    assert.equal(await droppedOrTold(bea, muc), "dropped", "Bea, who took Ann's nick, is not told of Ann's line");
    const dropped = daemon.log.split("\n").filter((line) => line.includes("failure report dropped"));
    assert.ok(dropped.every((line) => !line.includes("second")), `the log names the failure, not the text: ${dropped.join("\n")}`);
  });

  it("finds the sender by her real JID under the nick she came back with, where the MUC shows the bot real JIDs", async function () {
    this.timeout(60_000);
    const { muc, ann, bea, watcher } = await annLeavesBeaTakesHerNick("open");
    await enter(ann, muc, "Ann2");
    await watcher.waitForType("room.member", memberEvent("joined", "Ann2"), 10_000);
    // The bot opened open@: its owner, a moderator, to whom the MUC shows occupants' real JIDs.
    const botSeen = bea.transcript.find((stanza) => stanza.is("presence") && stanza.attrs["from"] === `${muc}/bridge`);
    assert.equal(botSeen?.getChild("x", `${MUC_NS}#user`)?.getChild("item")?.attrs["affiliation"], "owner");
    gate.releaseReplies();
    const report = await ann.waitFor(reportFromBot(muc), 15_000, "the report of her second line");
    assert.match(report.getChildText("body") ?? "", /not delivered to irc:\/\/net\/%23open: .*GW_ERR_FORBIDDEN/);
    assert.equal(report.attrs["to"], ann.jid);
    assert.deepEqual(bea.transcript.filter(reportFromBot(muc)), [], "Bea, who took Ann's nick, is told nothing");
  });
});
