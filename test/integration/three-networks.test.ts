/**
 * The cross-network scenario, against a real Prosody and a real ngIRCd started by the test: one conversation
 * bridging an IRC channel, an XMPP MUC on Prosody (through a bridge bot) and a native room, configured as one
 * entry of `bridges:`, with one user on each network. Each user's messages reach both others exactly once and in order; then the IRC server is
 * restarted and the daemon killed with SIGKILL mid-stream, and no acknowledged message is lost or duplicated.
 * On the same gateway (its XMPP component on the same Prosody): corrections as each network shows them, an XMPP
 * user and an IRC user chatting privately, and one person's XMPP account and IRC nick linked with codes, whose
 * IRC away is then her one presence on XMPP and on the native protocol. (Overlapping bridges and two instances:
 * overlapping-bridges.test.ts.)
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { botYaml, componentYaml, ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, pingBarrierAfter, pongTo, type IrcMessage } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { TcpGate } from "../helpers/tcp-gate.js";
import { XmppTestClient, xmppBarrierAfter, xmppBarrierAnswer } from "../helpers/xmpp-client.js";

const OPERATOR = { name: "triop", password: "oper-secret-1" };

describe("one conversation across IRC, an XMPP MUC and a native room", function () {
  let prosody: ProsodyServer;
  let irc: IrcServer;
  let gate: TcpGate;
  /** Between the bot and Prosody: the test sees the bot's delivery barriers come back. */
  let botGate: TcpGate;
  let daemon: Daemon;
  let muc: string;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing the servers on a fresh machine may take minutes
    // An IRC operator may set channel modes where it is no channel operator (ngIRCd OperCanUseMode): #trimod's +m.
    [prosody, irc] = await Promise.all([startProsody(), startNgircd({ operators: [OPERATOR] })]);
    gate = await TcpGate.start(irc.host, () => irc.port);
    botGate = await TcpGate.start("127.0.0.1", () => prosody.c2sPort);
    muc = `tri@${prosody.mucDomain}`;
    await prosody.register("tribot", PASSWORD);
    daemon = Daemon.create(
      [
        // One bridge names the three rooms; the bot and the network only say how to connect.
        "bridges:",
        "  - room: tri",
        "    nick: bridge",
        "    with:",
        '      - "irc://net/#tri"',
        `      - xmpp://tribot/${muc}`,
        "  - room: trimod",
        "    nick: bridge",
        "    with:",
        '      - "irc://net/#trimod"',
        `      - xmpp://tribot/trimod@${prosody.mucDomain}`,
        "xmpp:",
        ...componentYaml(prosody),
        "  bots:",
        // The bot names where each line comes from (relay_format, as Matterbridge's RemoteNickFormat).
        ...botYaml(prosody, "tribot", ["rooms: []", "relay_format:", '  text: "<{name}@{network}> "'], botGate.port),
        "irc:",
        "  networks:",
        // ngIRCd has no away-notify: an away is seen at the next WHO, every 5 s here.
        ...ircNetworkYaml("net", gate.port, "trigate", ["max_lines_per_message: 1", "presence_poll_seconds: 5"]),
      ].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: PASSWORD });
    await daemon.waitForLog(/XMPP bot online/);
    await daemon.waitForLog(/XMPP component online/);
    await daemon.waitForLog(/IRC network online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await daemon?.dispose();
    await gate?.dispose();
    await botGate?.dispose();
    await irc?.dispose();
    await prosody?.dispose();
  });

  it("carries each user's lines to both others, once and in order, through an IRC restart and a daemon kill -9", async function () {
    this.timeout(120_000);
    const aliceName = uniqueUser("alice");
    let alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
    closers.push(() => alice.close());
    await alice.ok({ type: "room.join", room: "tri" });
    let ira = await IrcTestClient.connect(irc, uniqueUser("ira"));
    closers.push(() => ira.quit());
    await ira.join("#tri");
    const xena = await XmppTestClient.newUser(prosody, uniqueUser("xena"), PASSWORD);
    closers.push(() => xena.stop());
    await xena.send(xml("presence", { to: `${muc}/Xena` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await xena.waitForPresence(`${muc}/Xena`);

    const alicePuppet = `${aliceName}[sb]`.toLowerCase();
    const fromAliceOnIrc = (line: IrcMessage): boolean => line.command === "PRIVMSG" && line.params[0] === "#tri" && line.nick?.toLowerCase() === alicePuppet;
    const mucLines = (): string[] =>
      xena.transcript.filter((stanza) => stanza.is("message") && stanza.attrs["type"] === "groupchat" && stanza.attrs["from"] === `${muc}/bridge`).map((stanza) => stanza.getChildText("body") ?? "");

    // Round 1, everyone up: three lines from each network.
    for (let i = 1; i <= 3; i++) {
      await alice.ok({ type: "room.send", room: "tri", body: `alice ${i}` });
      ira.privmsg("#tri", `ira ${i}`);
      await xena.sendMessage(muc, `xena ${i}`, "groupchat");
    }
    const atAlice = (await alice.collect("message", 6, 15_000)).map((frame) => String((frame["message"] as Record<string, unknown>)["body"]));
    assert.deepEqual(atAlice.filter((body) => body.startsWith("ira")), ["ira 1", "ira 2", "ira 3"]);
    assert.deepEqual(atAlice.filter((body) => body.startsWith("xena")), ["xena 1", "xena 2", "xena 3"]);
    const atIra = await ira.waitForCount((line) => line.command === "PRIVMSG" && line.params[0] === "#tri" && line.nick !== ira.nick, 6, 15_000);
    assert.deepEqual(atIra.filter(fromAliceOnIrc).map((line) => line.params[1]), ["alice 1", "alice 2", "alice 3"]);
    assert.deepEqual(atIra.filter((line) => line.nick?.toLowerCase() === "xena[sb]").map((line) => line.params[1]), ["xena 1", "xena 2", "xena 3"]);
    for (let i = 0; i < 6; i++) await xena.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${muc}/bridge`, 15_000);
    assert.deepEqual(mucLines().filter((line) => line.startsWith(`<${aliceName}@native>`)), ["alice 1", "alice 2", "alice 3"].map((body) => `<${aliceName}@native> ${body}`));
    assert.deepEqual(mucLines().filter((line) => line.startsWith(`<${ira.nick}@net>`)), ["ira 1", "ira 2", "ira 3"].map((body) => `<${ira.nick}@net> ${body}`));
    // A bot's MUC occupant cannot be written to privately (the bot carries room messages only): ira is told so.
    ira.privmsg("xena[sb]", "psst, xena");
    const refusal = await ira.waitFor((line) => line.command === "NOTICE" && line.nick?.toLowerCase() === "xena[sb]" && line.params[0] === ira.nick);
    assert.match(refusal.params[1] ?? "", /not delivered.*GW_ERR_NO_ROUTE/);

    // A line counts as delivered once the server confirmed it (docs/irc.md): let the PING barrier after "alice 3"
    // reach the server and its PONG come back through the gate, and ira's answer come after it on the puppet's
    // connection (so the daemon has read the PONG), before the server dies (else "alice 3" is sent again after
    // the restart, the documented duplicate). The barrier is looked for on alice's puppet connection alone: in
    // the gate's record of all connections the next PING may be xena's puppet's.
    const barrier = await gate.oneClientWrote(pingBarrierAfter("alice 3"));
    await gate.serverWrote(pongTo(barrier[1] ?? ""));
    ira.privmsg(`${aliceName}[sb]`, "noted");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "noted", 15_000);

    // Round 2: the IRC server dies mid-stream; alice keeps writing (each line acknowledged), then the daemon is
    // killed with SIGKILL; IRC and the daemon come back, ira rejoins before the daemon may reconnect.
    gate.close();
    await irc.kill();
    // Wait until the daemon knows, so these are accepted while the network is down (lines written into the dying
    // connection would be sent again after the reconnect: test/integration/irc-confirmation.test.ts).
    await daemon.waitForLog(/IRC connection lost/);
    for (let i = 4; i <= 6; i++) await alice.ok({ type: "room.send", room: "tri", body: `alice ${i}` });
    // The MUC (still up) has them. The bot's lines count as relayed once Prosody answered the barrier written
    // after "alice 6" (stanza-confirmer.ts; killed before that, they would be sent again: at least once); xena's
    // line after the answer, relayed to alice, shows that the daemon read it, and one more round trip lets the
    // daemon record that before it is killed.
    await xena.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === `<${aliceName}@native> alice 6`, 15_000);
    const botBarrier = await botGate.oneClientWrote(xmppBarrierAfter("alice 6"));
    await botGate.serverWrote(xmppBarrierAnswer(botBarrier[1] ?? ""));
    await xena.sendMessage(muc, "xena noted", "groupchat");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "xena noted", 15_000);
    await alice.ok({ type: "ping" });
    await daemon.stop("SIGKILL");
    await irc.start();
    ira = await IrcTestClient.connect(irc, ira.nick);
    closers.push(() => ira.quit());
    await ira.join("#tri");
    gate.reopen();
    await daemon.start();
    alice = await NativeClient.session(daemon.url, aliceName, PASSWORD);
    closers.push(() => alice.close());
    await alice.ok({ type: "room.send", room: "tri", body: "alice 7" });

    const after = await ira.waitForCount(fromAliceOnIrc, 4, 30_000);
    assert.deepEqual(after.map((line) => line.params[1]), ["alice 4", "alice 5", "alice 6", "alice 7"], "every acknowledged line, once, in order");
    await xena.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === `<${aliceName}@native> alice 7`, 30_000);
    assert.deepEqual(
      mucLines().filter((line) => line.startsWith(`<${aliceName}@native>`)),
      ["alice 1", "alice 2", "alice 3", "alice 4", "alice 5", "alice 6", "alice 7"].map((body) => `<${aliceName}@native> ${body}`),
      "the MUC got every line once and in order",
    );
  });

  it("shows an XMPP user joining the room's MUC on the gateway domain the people in the IRC channel and in the Prosody MUC", async function () {
    this.timeout(30_000);
    // A native member sees both join: then the gateway knows them.
    const watcher = await NativeClient.session(daemon.url, uniqueUser("watcher"), PASSWORD, { register: true });
    closers.push(() => watcher.close());
    await watcher.ok({ type: "room.join", room: "tri" });
    const joinOf = (nick: string) => (frame: Record<string, unknown>): boolean => frame["event"] === "joined" && (frame["member"] as Record<string, unknown>)["nick"] === nick;
    const otto = await IrcTestClient.connect(irc, uniqueUser("otto"));
    closers.push(() => otto.quit());
    await otto.join("#tri");
    await watcher.waitForType("room.member", joinOf(otto.nick), 10_000);
    const pia = await XmppTestClient.newUser(prosody, uniqueUser("pia"), PASSWORD);
    closers.push(() => pia.stop());
    await pia.send(xml("presence", { to: `${muc}/Pia` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await pia.waitForPresence(`${muc}/Pia`);
    await watcher.waitForType("room.member", joinOf("Pia"), 10_000);

    const roomJid = `#tri@${prosody.componentDomain}`;
    const quinn = await XmppTestClient.newUser(prosody, uniqueUser("quinn"), PASSWORD);
    closers.push(() => quinn.stop());
    await quinn.send(xml("presence", { to: `${roomJid}/Quinn` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await quinn.waitForPresence(`${roomJid}/Quinn`, (stanza) => (stanza.getChild("x", "http://jabber.org/protocol/muc#user")?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"));
    const shown = quinn.transcript
      .filter((stanza) => stanza.is("presence") && String(stanza.attrs["from"]).startsWith(`${roomJid}/`) && stanza.attrs["type"] === undefined)
      .map((stanza) => String(stanza.attrs["from"]).slice(roomJid.length + 1));
    assert.ok(shown.includes(otto.nick), `the IRC user is an occupant: ${shown.join(", ")}`);
    assert.ok(shown.includes("Pia"), `the Prosody MUC's occupant is an occupant: ${shown.join(", ")}`);
    assert.ok(!shown.includes("#tri") && !shown.includes("tri") && !shown.includes("bridge"), `no bridged room nor the bot is an occupant: ${shown.join(", ")}`);
  });

  it("tells a bot MUC's occupant in private that their line did not reach the bridged IRC channel (moderated)", async function () {
    this.timeout(30_000);
    const mod = `trimod@${prosody.mucDomain}`;
    const olaf = await IrcTestClient.connect(irc, uniqueUser("olaf"));
    closers.push(() => olaf.quit());
    olaf.send(`OPER ${OPERATOR.name} ${OPERATOR.password}`);
    await olaf.waitFor((line) => line.command === "381", 10_000, "RPL_YOUREOPER");
    await olaf.join("#trimod");
    olaf.send("MODE #trimod +m");
    await olaf.waitFor((line) => line.command === "MODE" && line.params[0]?.toLowerCase() === "#trimod" && line.params[1] === "+m", 10_000);
    const zack = await XmppTestClient.newUser(prosody, uniqueUser("zack"), PASSWORD);
    closers.push(() => zack.stop());
    await zack.send(xml("presence", { to: `${mod}/Zack` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await zack.waitForPresence(`${mod}/Zack`);
    await zack.sendMessage(mod, "can IRC hear me?", "groupchat");
    const told = await zack.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "chat" && String(stanza.attrs["from"]).startsWith(`${mod}/`), 15_000);
    assert.equal(told.attrs["from"], `${mod}/bridge`, "from the bot, privately in the MUC");
    assert.match(told.getChildText("body") ?? "", /not delivered to irc:\/\/net\/%23trimod: .*GW_ERR_FORBIDDEN/);
  });

  it("carries a correction as each network can show it: XEP-0308 in the MUC, a line marked '* ' on IRC", async function () {
    this.timeout(60_000);
    const carolName = uniqueUser("carol");
    const carol = await NativeClient.session(daemon.url, carolName, PASSWORD, { register: true });
    closers.push(() => carol.close());
    await carol.ok({ type: "room.join", room: "tri" });
    const ivy = await IrcTestClient.connect(irc, uniqueUser("ivy"));
    closers.push(() => ivy.quit());
    await ivy.join("#tri");
    const yara = await XmppTestClient.newUser(prosody, uniqueUser("yara"), PASSWORD);
    closers.push(() => yara.stop());
    await yara.send(xml("presence", { to: `${muc}/Yara` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await yara.waitForPresence(`${muc}/Yara`);

    const original = await carol.ok({ type: "room.send", room: "tri", body: "teh typo" });
    await carol.ok({ type: "room.send", room: "tri", body: "the typo", replaces: original["message_id"] });
    const fromCarol = (line: IrcMessage): boolean => line.command === "PRIVMSG" && line.nick?.toLowerCase() === `${carolName}[sb]`.toLowerCase();
    assert.deepEqual((await ivy.waitForCount(fromCarol, 2, 15_000)).map((line) => line.params[1]), ["teh typo", "* the typo"]);
    const first = await yara.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === `<${carolName}@native> teh typo`, 15_000);
    const fix = await yara.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === `<${carolName}@native> the typo`, 15_000);
    assert.equal(fix.getChild("replace", "urn:xmpp:message-correct:0")?.attrs["id"], first.attrs["id"], "the correction names the line the MUC showed");
  });

  it("carries a private chat between XMPP and IRC, and links one person's XMPP account and IRC nick whose away is then her presence everywhere", async function () {
    this.timeout(90_000);
    const domain = prosody.componentDomain;
    const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;
    const ivan = await IrcTestClient.connect(irc, uniqueUser("ivan"));
    closers.push(() => ivan.quit());
    const jane = await XmppTestClient.newUser(prosody, uniqueUser("jane"), PASSWORD);
    closers.push(() => jane.stop());
    await jane.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));

    // Private: jane writes to ivan%net@<domain> (a contact first: the component's default policy), ivan answers her puppet.
    const ivanJid = `${ivan.nick.toLowerCase()}%net@${domain}`;
    await jane.send(xml("presence", { to: ivanJid, type: "subscribe" }));
    await jane.waitForPresence(ivanJid, (stanza) => stanza.attrs["type"] === "subscribed");
    await jane.sendMessage(ivanJid, "hi ivan, from XMPP");
    const janePuppet = `${jane.bareJid.split("@")[0] ?? ""}[sb]`.toLowerCase();
    const query = await ivan.waitFor((line) => line.command === "PRIVMSG" && line.nick?.toLowerCase() === janePuppet, 15_000);
    assert.equal(query.params[1], "hi ivan, from XMPP");
    ivan.privmsg(query.nick ?? janePuppet, "hi jane, from IRC");
    assert.equal((await jane.waitForMessage(ivanJid)).getChildText("body"), "hi jane, from IRC");

    // Linking: lena (native) proves that jane's XMPP account and ivan's IRC nick are hers, each with a code.
    const lenaName = uniqueUser("lena");
    const lena = await NativeClient.session(daemon.url, lenaName, PASSWORD, { register: true });
    closers.push(() => lena.close());
    await lena.ok({ type: "identity.link", address: `xmpp:${jane.bareJid}` });
    const invitation = await jane.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === domain && CODE.test(stanza.getChildText("body") ?? ""), 15_000);
    await jane.sendMessage(domain, CODE.exec(invitation.getChildText("body") ?? "")?.[1] ?? "");
    await lena.waitForType("identity.linked", (frame) => frame["address"] === `xmpp:${jane.bareJid}`, 15_000);
    await lena.ok({ type: "identity.link", address: `irc://net/${ivan.nick.toLowerCase()}` });
    const notice = await ivan.waitFor((line) => line.command === "NOTICE" && line.nick === "trigate" && CODE.test(line.params[1] ?? ""), 15_000);
    ivan.privmsg("trigate", CODE.exec(notice.params[1] ?? "")?.[1] ?? "");
    await lena.waitForType("identity.linked", (frame) => frame["address"] === `irc://net/${ivan.nick.toLowerCase()}`, 15_000);

    // Her contacts: mona on the native protocol, and rosa on XMPP (lena@<domain> on her roster).
    const monaName = uniqueUser("mona");
    const mona = await NativeClient.session(daemon.url, monaName, PASSWORD, { register: true });
    closers.push(() => mona.close());
    const lenaAddress = `native:${lenaName}`;
    await mona.ok({ type: "presence.subscribe", address: lenaAddress });
    await lena.waitForType("subscription", (frame) => frame["action"] === "request", 15_000);
    await lena.ok({ type: "presence.approve", address: `native:${monaName}` });
    const rosa = await XmppTestClient.newUser(prosody, uniqueUser("rosa"), PASSWORD);
    closers.push(() => rosa.stop());
    await rosa.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    const lenaJid = `${lenaName}@${domain}`;
    await rosa.send(xml("presence", { to: lenaJid, type: "subscribe" }));
    await lena.waitForType("subscription", (frame) => frame["from"] === `xmpp:${rosa.bareJid}`, 15_000);
    await lena.ok({ type: "presence.approve", address: `xmpp:${rosa.bareJid}` });
    await rosa.waitForPresence(lenaJid, (stanza) => stanza.attrs["type"] === undefined, 15_000);

    // Lena's session says extended away; her IRC nick goes away with a message: that is her one presence.
    await lena.ok({ type: "presence.set", show: "xa", status: "asleep" });
    ivan.send("AWAY :gone fishing");
    const atMona = await mona.waitForType("presence", (frame) => frame["from"] === lenaAddress && frame["show"] === "away", 20_000);
    assert.equal(atMona["status"], "gone fishing");
    const atRosa = await rosa.waitForPresence(lenaJid, (stanza) => stanza.getChildText("show") === "away", 20_000);
    assert.equal(atRosa.getChildText("status"), "gone fishing");
  });
});
