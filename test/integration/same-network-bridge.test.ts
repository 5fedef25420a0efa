/**
 * One bridge with two rooms on the same network: two channels of one IRC network (ngIRCd), two MUCs joined by one
 * bridge bot (Prosody). A line said in one reaches the other once, relayed by the gateway under its sender's name,
 * and never comes back to where it was said.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

type Frame = Record<string, unknown>;
const body = (frame: Frame): unknown => (frame["message"] as Frame)["body"];
const OPERATOR = { name: "root", password: "oper-secret" };

describe("one bridge with two rooms on the same network", function () {
  let ircd: IrcServer;
  let prosody: ProsodyServer;
  let daemon: Daemon;
  const botPassword = "bot secret 456";

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing the servers on a fresh machine may take minutes
    [ircd, prosody] = await Promise.all([startNgircd({ operators: [OPERATOR] }), startProsody()]);
    await prosody.register("pairbot", botPassword);
    daemon = Daemon.create(
      [
        "irc:",
        "  networks:",
        "    - name: samenet",
        "      host: 127.0.0.1",
        `      port: ${ircd.port}`,
        "      nick: sbsame",
        "      membership:",
        "        leave_hold_seconds: 0",
        "xmpp:",
        "  bots:",
        "    - account: pairbot",
        `      jid: pairbot@${prosody.domain}`,
        "      password: ${BOT_PASSWORD}",
        `      service: xmpp://127.0.0.1:${prosody.c2sPort}`,
        "      rooms: []",
        "bridges:",
        "  - room: channels",
        '    with: ["irc://samenet/#left", "irc://samenet/#right"]',
        "  - room: mucs",
        `    with: ["xmpp://pairbot/left@${prosody.mucDomain}", "xmpp://pairbot/right@${prosody.mucDomain}"]`,
      ].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: botPassword });
    await daemon.waitForLog(/IRC network online/, 15_000);
    await daemon.waitForLog(/XMPP bot online/, 15_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    await daemon?.dispose();
    await Promise.all([ircd?.dispose(), prosody?.dispose()]);
  });

  it("relays a line said in one IRC channel to the bridge's other channel of that network, once, and never back", async function () {
    this.timeout(30_000);
    const carol = await IrcTestClient.connect(ircd, uniqueUser("carol"));
    const dave = await IrcTestClient.connect(ircd, uniqueUser("dave"));
    const native = await NativeClient.session(daemon.url, uniqueUser("nat"), PASSWORD, { register: true });
    try {
      await carol.join("#left");
      await dave.join("#right");
      await native.ok({ type: "room.join", room: "channels" });
      const inChannel = (channel: string, text: string) => (line: IrcMessage) => line.command === "PRIVMSG" && line.params[0] === channel && line.params[1] === text;

      carol.privmsg("#left", "hello from the left");
      const relayed = await dave.waitFor(inChannel("#right", `<${carol.nick}> hello from the left`), 10_000);
      assert.equal(relayed.nick, "sbsame", "said by the gateway's connection: an IRC user has no puppet on their own network");
      assert.equal(body(await native.waitForType("message")), "hello from the left");

      dave.privmsg("#right", "hello from the right");
      await carol.waitFor(inChannel("#left", `<${dave.nick}> hello from the right`), 10_000);
      assert.equal(body(await native.waitForType("message")), "hello from the right");

      // A native line reaches both channels from its sender's puppet; by then anything sent back would have come.
      await native.ok({ type: "room.send", room: "channels", body: "from native" });
      await carol.waitFor(inChannel("#left", "from native"), 10_000);
      await dave.waitFor(inChannel("#right", "from native"), 10_000);
      assert.deepEqual(carol.transcript.filter((line) => line.command === "PRIVMSG" && String(line.params[1]).includes("hello from the left")), [], "nothing came back to #left");
      assert.deepEqual(dave.transcript.filter((line) => line.command === "PRIVMSG" && String(line.params[1]).includes("hello from the right")), [], "nothing came back to #right");
      assert.equal(dave.transcript.filter((line) => line.command === "PRIVMSG" && String(line.params[1]).includes("hello from the left")).length, 1, "once");
      assert.deepEqual(native.pending("message").map(body), [], "the native member had each line once");
    } finally {
      await Promise.all([carol.quit(), dave.quit(), native.close()]);
    }
  });

  it("shows someone in both channels as one member of the room, who leaves it with the last channel", async function () {
    this.timeout(30_000);
    const native = await NativeClient.session(daemon.url, uniqueUser("nat"), PASSWORD, { register: true });
    const carl = await IrcTestClient.connect(ircd, uniqueUser("carl"));
    try {
      await native.ok({ type: "room.join", room: "channels" });
      const about = (event: string) => (frame: Frame) => frame["event"] === event && (frame["member"] as Frame)["nick"] === carl.nick;
      await carl.join("#left");
      await native.waitForType("room.member", about("joined"));
      await carl.join("#right");
      const listed = ((await native.ok({ type: "room.members", room: "channels" }))["bridged_people"] as Frame[]).filter((person) => person["nick"] === carl.nick);
      assert.equal(listed.length, 1, "listed once");
      carl.send("PART #left");
      await carl.waitFor((line) => line.command === "PART" && line.params[0] === "#left");
      carl.send("PART #right");
      await native.waitForType("room.member", about("left"));
      const seen = native.transcript.filter((frame) => frame.type === "room.member" && (frame["member"] as Frame)["nick"] === carl.nick).map((frame) => frame["event"]);
      assert.deepEqual(seen, ["joined", "left"], "one join with the first channel, one leave with the last");
    } finally {
      await Promise.all([carl.quit(), native.close()]);
    }
  });

  it("gives someone in both channels the higher of their two roles in the room, whichever channel changed last", async function () {
    this.timeout(30_000);
    const native = await NativeClient.session(daemon.url, uniqueUser("nat"), PASSWORD, { register: true });
    const cora = await IrcTestClient.connect(ircd, uniqueUser("cora"));
    const oper = await IrcTestClient.connect(ircd, uniqueUser("oper"));
    try {
      oper.send(`OPER ${OPERATOR.name} ${OPERATOR.password}`);
      await oper.waitFor((line) => line.command === "381", 5000, "RPL_YOUREOPER (381)");
      await native.ok({ type: "room.join", room: "channels" });
      const about = (event: string) => (frame: Frame) => frame["type"] === "room.member" && frame["event"] === event && (frame["member"] as Frame)["nick"] === cora.nick;
      const roleListed = async (): Promise<unknown> =>
        ((await native.ok({ type: "room.members", room: "channels" }))["bridged_people"] as Frame[]).find((person) => person["nick"] === cora.nick)?.["role"];
      const opped = (channel: string, sign: string) => (line: IrcMessage) => line.command === "MODE" && line.params[0] === channel && line.params[1] === `${sign}o`;
      await cora.join("#left");
      await native.waitForType("room.member", about("joined"));
      await cora.join("#right");

      // An operator in #left: an admin of the room.
      oper.send(`MODE #left +o ${cora.nick}`);
      await cora.waitFor(opped("#left", "+"));
      const promoted = await native.waitForType("room.member", about("role"));
      assert.deepEqual([(promoted["previous"] as Frame)["role"], (promoted["member"] as Frame)["role"]], ["member", "admin"]);
      // Operator in #right too, then no longer in #left: still an operator in one channel, still an admin.
      oper.send(`MODE #right +o ${cora.nick}`);
      await cora.waitFor(opped("#right", "+"));
      oper.send(`MODE #left -o ${cora.nick}`);
      await cora.waitFor(opped("#left", "-"));
      // Leaving #right, where they are an operator, leaves them a member of the room through #left.
      cora.send("PART #right");
      const demoted = await native.waitForType("room.member", about("role"));
      assert.deepEqual([(demoted["previous"] as Frame)["role"], (demoted["member"] as Frame)["role"]], ["admin", "member"]);
      assert.equal(await roleListed(), "member");
      const seen = native.transcript.filter(about("role")).length;
      assert.equal(seen, 2, "no role flip for a change in one channel that the other outranks");
      assert.equal(native.transcript.filter(about("left")).length, 0, "still in the room through #left");
    } finally {
      await Promise.all([cora.quit(), oper.quit(), native.close()]);
    }
  });

  it("relays an occupant's line in one MUC of a bot to the bridge's other MUC of that bot, once, and never back", async function () {
    this.timeout(30_000);
    const [left, right] = [`left@${prosody.mucDomain}`, `right@${prosody.mucDomain}`];
    const lefty = await XmppTestClient.newUser(prosody, uniqueUser("lefty"), PASSWORD);
    const righty = await XmppTestClient.newUser(prosody, uniqueUser("righty"), PASSWORD);
    const native = await NativeClient.session(daemon.url, uniqueUser("nat"), PASSWORD, { register: true });
    try {
      for (const [client, muc, nick] of [[lefty, left, "Lefty"], [righty, right, "Righty"]] as const) {
        await client.send(xml("presence", { to: `${muc}/${nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
        await client.waitForPresence(`${muc}/${nick}`, (stanza) => stanza.attrs["type"] === undefined);
      }
      await native.ok({ type: "room.join", room: "mucs" });

      await lefty.sendMessage(left, "hello from the left MUC", "groupchat");
      const relayed = await righty.waitForMessage(`${right}/switchboard`, (stanza) => stanza.getChildText("body") === "<Lefty> hello from the left MUC", 10_000);
      assert.equal(relayed.attrs["type"], "groupchat");
      assert.equal(body(await native.waitForType("message")), "hello from the left MUC");

      await righty.sendMessage(right, "hello from the right MUC", "groupchat");
      await lefty.waitForMessage(`${left}/switchboard`, (stanza) => stanza.getChildText("body") === "<Righty> hello from the right MUC", 10_000);
      assert.equal(body(await native.waitForType("message")), "hello from the right MUC");

      await native.ok({ type: "room.send", room: "mucs", body: "from native" });
      await lefty.waitForMessage(`${left}/switchboard`, (stanza) => String(stanza.getChildText("body")).endsWith("> from native"), 10_000);
      await righty.waitForMessage(`${right}/switchboard`, (stanza) => String(stanza.getChildText("body")).endsWith("> from native"), 10_000);
      const fromBot = (client: XmppTestClient, muc: string, text: string): number =>
        client.transcript.filter((stanza) => stanza.attrs["from"] === `${muc}/switchboard` && String(stanza.getChildText("body")).includes(text)).length;
      assert.equal(fromBot(lefty, left, "hello from the left MUC"), 0, "nothing came back to the left MUC");
      assert.equal(fromBot(righty, right, "hello from the right MUC"), 0, "nothing came back to the right MUC");
      assert.equal(fromBot(righty, right, "hello from the left MUC"), 1, "once");
      assert.deepEqual(native.pending("message").map(body), [], "the native member had each line once");
    } finally {
      await Promise.all([lefty.stop(), righty.stop(), native.close()]);
    }
  });
});
