/**
 * A message sent to XMPP counts as delivered only once Prosody proved it read it (stanza-confirmer.ts: a ping
 * the server routes back to the component after the message, or answers for a bridge bot). The daemon reaches
 * Prosody's component port, and its bot Prosody's client port, through TCP gates, so that a test can see the
 * barriers and make a link die without a word.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import { botYaml, componentYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { TcpGate } from "../helpers/tcp-gate.js";
import { XmppTestClient, xmppBarrierAfter, xmppBarrierAnswer } from "../helpers/xmpp-client.js";

describe("XMPP deliveries confirmed by the server", function () {
  let prosody: ProsodyServer;
  let gate: TcpGate;
  let botGate: TcpGate;
  let daemon: Daemon;
  const natives: NativeClient[] = [];
  const xmpps: XmppTestClient[] = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody();
    gate = await TcpGate.start("127.0.0.1", () => prosody.componentPort);
    botGate = await TcpGate.start("127.0.0.1", () => prosody.c2sPort);
    await prosody.register("gatebot", PASSWORD);
    daemon = Daemon.create(
      [
        "bridges:",
        "  - room: porch",
        "    nick: bridge",
        "    with:",
        `      - xmpp://gatebot/porch@${prosody.mucDomain}`,
        "xmpp:",
        ...componentYaml(prosody, ["messages_from: anyone"], gate.port),
        "  bots:",
        ...botYaml(prosody, "gatebot", ["rooms: []"], botGate.port),
      ].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: PASSWORD });
    await daemon.waitForLog(/XMPP component online/);
    await daemon.waitForLog(/XMPP bot online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await Promise.all([...natives.map((client) => client.close()), ...xmpps.map((client) => client.stop())]);
    await daemon?.dispose();
    await gate?.dispose();
    await botGate?.dispose();
    await prosody?.dispose();
  });

  async function native(name: string): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    natives.push(client);
    return client;
  }

  async function xmppUser(name: string): Promise<XmppTestClient> {
    await prosody.register(name, PASSWORD);
    const client = await XmppTestClient.connect(prosody, name, PASSWORD);
    xmpps.push(client);
    await client.sendPresence();
    return client;
  }

  /** Resolves once the barrier the daemon wrote after `text` came back from Prosody. */
  async function confirmedByProsody(text: string, through = gate): Promise<void> {
    const barrier = await through.oneClientWrote(xmppBarrierAfter(text));
    await through.serverWrote(xmppBarrierAnswer(barrier[1] ?? ""));
  }

  /** A round trip through the gateway: anything the gateway had written to `client` before arrived before its answer. */
  async function roundTrip(client: XmppTestClient): Promise<void> {
    await client.iq(xml("iq", { type: "get", to: prosody.componentDomain }, xml("ping", { xmlns: "urn:xmpp:ping" })));
  }

  function bodiesFrom(client: XmppTestClient, from: string): string[] {
    return client.received.filter((stanza) => stanza.is("message") && stanza.attrs["from"]?.startsWith(from) === true && stanza.getChild("body")).map((stanza) => stanza.getChildText("body") ?? "");
  }

  it("sends a chat again, once, when the link to the server died before the server read it", async function () {
    this.timeout(60000);
    const romeoName = uniqueUser("steadfast");
    const romeo = await native(romeoName);
    const julietName = uniqueUser("listener");
    const juliet = await xmppUser(julietName);
    const from = `${romeoName}@${prosody.componentDomain}`;
    await romeo.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: "first" });
    await juliet.waitForMessage(from, (message) => message.getChildText("body") === "first");
    await confirmedByProsody("first"); // else it is sent again too: at least once

    // The link dies without a word: the daemon's writes succeed while Prosody never sees them.
    gate.swallow();
    await romeo.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: "into the void" });
    await gate.clientWrote(/into the void/, "swallowed");
    gate.close();
    gate.reopen();
    await daemon.waitForLog(/XMPP component online[\s\S]*XMPP component online/, 30000);

    const again = await juliet.waitForMessage(from, (message) => message.getChildText("body") === "into the void", 20000);
    assert.equal(again.getChildText("body"), "into the void");
    await romeo.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: "last" });
    await juliet.waitForMessage(from, (message) => message.getChildText("body") === "last");
    await roundTrip(juliet);
    assert.deepEqual(bodiesFrom(juliet, from), [], "nothing arrived twice");
  });

  it("loses, repeats and reorders nothing when Prosody restarts mid-conversation", async function () {
    this.timeout(60000);
    const julietName = uniqueUser("phoenix");
    const romeoName = uniqueUser("steady");
    await prosody.register(julietName, PASSWORD);
    const romeo = await native(romeoName);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push(`before ${i}`);
      await romeo.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: `before ${i}` });
    }
    // Confirmed messages are never sent twice; one written as the server stops would be (at least once).
    await confirmedByProsody("before 4");
    await prosody.stop();
    for (let i = 0; i < 5; i++) {
      sent.push(`during ${i}`);
      await romeo.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: `during ${i}` });
    }
    // A subscription request made while the server is away reaches it once it is back.
    await romeo.ok({ type: "presence.subscribe", address: `xmpp:${julietName}@${prosody.domain}` });
    gate.reopen();
    await prosody.start();
    await daemon.waitForLog(/XMPP component online[\s\S]*XMPP component online/, 30000);
    for (let i = 0; i < 5; i++) {
      sent.push(`after ${i}`);
      await romeo.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: `after ${i}` });
    }
    // Prosody keeps messages for an offline user (mod_offline) and delivers them at login, in order.
    const juliet = await XmppTestClient.connect(prosody, julietName, PASSWORD);
    xmpps.push(juliet);
    await juliet.sendPresence();
    const from = `${romeoName}@${prosody.componentDomain}`;
    const bodies: string[] = [];
    while (bodies.length < sent.length) {
      const message = await juliet.waitForMessage(from, () => true, 20000);
      bodies.push(message.getChildText("body") ?? "");
    }
    assert.deepEqual(bodies, sent);
    await roundTrip(juliet);
    assert.deepEqual(bodiesFrom(juliet, from), [], "nothing arrived twice");
    await juliet.waitForPresence(from, (stanza) => stanza.attrs["type"] === "subscribe");
  });

  it("waits for the server's answer when the daemon stops, so that nothing is sent twice after the restart", async function () {
    this.timeout(60000);
    const romeoName = uniqueUser("brief");
    const romeo = await native(romeoName);
    const julietName = uniqueUser("patient");
    const juliet = await xmppUser(julietName);
    const from = `${romeoName}@${prosody.componentDomain}`;
    gate.reopen();
    await romeo.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: "parting words" });
    // The stop begins before the barrier behind the message could have been answered.
    await gate.clientWrote(/parting words/, "forwarded");
    const stopped = await daemon.stop("SIGTERM");
    assert.equal(stopped.code, 0);
    await juliet.waitForMessage(from, (message) => message.getChildText("body") === "parting words");

    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
    const back = await NativeClient.session(daemon.url, romeoName, PASSWORD);
    natives.push(back);
    await back.ok({ type: "message.send", to: `xmpp:${julietName}@${prosody.domain}`, body: "hello again" });
    await juliet.waitForMessage(from, (message) => message.getChildText("body") === "hello again");
    await roundTrip(juliet);
    assert.deepEqual(bodiesFrom(juliet, from), [], "nothing arrived twice");
  });

  it("relays a room line to a bot's MUC again, once, when the bot's link died before its server read the line", async function () {
    this.timeout(60000);
    const aliceName = uniqueUser("porcher");
    const alice = await native(aliceName);
    await alice.ok({ type: "room.join", room: "porch" });
    const muc = `porch@${prosody.mucDomain}`;
    const xena = await xmppUser(uniqueUser("sitter"));
    await xena.send(xml("presence", { to: `${muc}/Xena` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await xena.waitForPresence(`${muc}/Xena`);
    const relayed = (text: string) => (message: { getChildText(name: string): string | null }) => message.getChildText("body") === `<${aliceName}> ${text}`;
    await alice.ok({ type: "room.send", room: "porch", body: "first" });
    await xena.waitForMessage(`${muc}/bridge`, relayed("first"));
    await confirmedByProsody("first", botGate);

    botGate.swallow();
    await alice.ok({ type: "room.send", room: "porch", body: "into the void" });
    await botGate.clientWrote(/into the void/, "swallowed");
    botGate.close();
    botGate.reopen();
    await daemon.waitForLog(/XMPP bot online[\s\S]*XMPP bot online/, 30000);

    await xena.waitForMessage(`${muc}/bridge`, relayed("into the void"), 20000);
    await alice.ok({ type: "room.send", room: "porch", body: "last" });
    await xena.waitForMessage(`${muc}/bridge`, relayed("last"));
    assert.deepEqual(bodiesFrom(xena, `${muc}/bridge`), [], "nothing arrived twice");
  });
});
