/**
 * When a message was said, across the XMPP side, against a real Prosody and the real daemon: a native message that
 * waited in the outbox while the gateway's link to the server was down reaches the XMPP user with a XEP-0203 delay
 * stamped with when it was sent (a live one with none), and a chat Prosody kept for a linked account while it was
 * offline (mod_offline) reaches the account's owner with the time Prosody stamped it (`sent_at`), while a delay a
 * sender's client wrote on a live chat (to the gateway's domain, or to a linked account, even `from` its server) gives no `sent_at`. The
 * component reaches Prosody through a gate.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { xml } from "@xmpp/client";
import { SENT_AT_TOLERANCE_MS } from "../../src/core/model/sent-at.js";
import { componentYaml } from "../helpers/config-yaml.js";
import { Daemon } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { TcpGate } from "../helpers/tcp-gate.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const ALICEX_PASSWORD = "alicex-Secret-4242";
const DELAY_NS = "urn:xmpp:delay";

/**
 * Lets the clock pass the 2 seconds within which a delivery or a stamp counts as live (core/model/sent-at.ts): no
 * event marks it, only time.
 */
async function pastTolerance(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SENT_AT_TOLERANCE_MS + 1_000));
}

describe("when a message was said, on XMPP, against Prosody", function () {
  let prosody: ProsodyServer;
  let gate: TcpGate;
  let daemon: Daemon;
  const natives: NativeClient[] = [];
  const xmpps: XmppTestClient[] = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ users: [{ name: "alicex", password: ALICEX_PASSWORD }, { name: "juliet", password: PASSWORD }, { name: "nurse", password: PASSWORD }, { name: "bobx", password: ALICEX_PASSWORD }] });
    gate = await TcpGate.start("127.0.0.1", () => prosody.componentPort);
    const accounts = ["  user_accounts:", "    enabled: true", "    credential_key: ${KEY}", "    internal_hosts: [127.0.0.1]"];
    daemon = Daemon.create(["xmpp:", ...componentYaml(prosody, ["messages_from: anyone"], gate.port), ...accounts].join("\n"));
    await daemon.start({ KEY: randomBytes(32).toString("hex") });
    await daemon.waitForLog(/XMPP component online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000), prosody.log().slice(-3000));
  });

  after(async function () {
    await Promise.all([...natives.map((client) => client.close()), ...xmpps.map((client) => client.stop())]);
    await daemon?.dispose();
    await gate?.dispose();
    await prosody?.dispose();
  });

  async function native(name: string): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    natives.push(client);
    return client;
  }

  async function xmppUser(name: string): Promise<XmppTestClient> {
    const client = await XmppTestClient.connect(prosody, name, PASSWORD);
    xmpps.push(client);
    await client.sendPresence();
    return client;
  }

  it("delays a message that waited in the outbox to when it was sent, from the gateway's domain, and a live one not at all", async function () {
    this.timeout(60_000);
    const romeo = await native("romeo");
    const from = `romeo@${prosody.componentDomain}`;
    gate.close();
    await daemon.waitForLog(/XMPP component connection lost/, 20_000);
    const queued = await romeo.ok({ type: "message.send", to: `xmpp:nurse@${prosody.domain}`, body: "while the link was down" });
    await pastTolerance();
    gate.reopen();
    await daemon.waitForLog(/XMPP component online[\s\S]*XMPP component online/, 30_000);
    // She was offline too: Prosody kept it (adding a delay of its own) and gives it at her login.
    const nurse = await xmppUser("nurse");
    const late = await nurse.waitForMessage(from, (message) => message.getChildText("body") === "while the link was down", 20_000);
    const ours = late.getChildren("delay", DELAY_NS).filter((delay) => delay.attrs["from"] === prosody.componentDomain);
    assert.deepEqual(ours.map((delay) => delay.attrs["stamp"]), [new Date(queued["timestamp"] as number).toISOString()]);

    await romeo.ok({ type: "message.send", to: `xmpp:nurse@${prosody.domain}`, body: "said live" });
    const live = await nurse.waitForMessage(from, (message) => message.getChildText("body") === "said live");
    assert.deepEqual(live.getChildren("delay", DELAY_NS), [], "a live message carries no delay");
  });

  /** A live chat from juliet to `to` with a delay her client wrote, days back, as if `from` had delayed it. */
  async function backdated(juliet: XmppTestClient, to: string, body: string, from: string): Promise<void> {
    await juliet.send(xml("message", { to, type: "chat", id: juliet.id() }, xml("body", {}, body), xml("delay", { xmlns: DELAY_NS, from, stamp: "2020-01-01T00:00:00Z" })));
  }

  it("takes no time from a delay an XMPP user's client wrote on a chat to the gateway's domain", async function () {
    this.timeout(60_000);
    const mercutio = await native("mercutio");
    const juliet = await xmppUser("juliet");
    await backdated(juliet, `mercutio@${prosody.componentDomain}`, "said days ago, she says", prosody.domain);
    const frame = await mercutio.waitForType("message", (candidate) => (candidate["message"] as Record<string, unknown>)["body"] === "said days ago, she says");
    assert.equal((frame["message"] as Record<string, unknown>)["sent_at"], undefined);
  });

  it("takes no time from a delay a contact's client wrote on a live chat to a linked account", async function () {
    this.timeout(60_000);
    const bob = await native("bob");
    await bob.ok({ type: "xmpp.link", jid: `bobx@${prosody.domain}`, password: ALICEX_PASSWORD, service: `xmpp://127.0.0.1:${prosody.c2sPort}` }, 15_000);
    const juliet = await xmppUser("juliet");
    // Once a plain chat reached bob, his account is available and past the window in which its server hands over
    // kept chats (offline-delivery.ts): the next one is live. Sent earlier, it could be kept by the server (see below).
    await juliet.sendMessage(`bobx@${prosody.domain}`, "first, a plain line");
    await bob.waitForType("message", (candidate) => (candidate["message"] as Record<string, unknown>)["body"] === "first, a plain line", 20_000);
    // As if from her own server's offline storage: the `from` its delay has, which any client may write as well.
    await backdated(juliet, `bobx@${prosody.domain}`, "backdated by her client", prosody.domain);
    const frame = await bob.waitForType("message", (candidate) => (candidate["message"] as Record<string, unknown>)["body"] === "backdated by her client", 20_000);
    assert.equal((frame["message"] as Record<string, unknown>)["sent_at"], undefined);
  });

  it("gives a linked account's owner a chat Prosody kept for the account while it was offline, at the time Prosody stamped it", async function () {
    this.timeout(60_000);
    const juliet = await xmppUser("juliet");
    const before = Date.now();
    // Her client also writes a delay as her server's, years back: the server appends its own after it when it keeps
    // the chat, and that one, the last, says when (appendedDelayStamp).
    await backdated(juliet, `alicex@${prosody.domain}`, "wrote while you were away", prosody.domain);
    // Kept by Prosody once it has it: her next stanza's answer comes after it.
    await juliet.iq(xml("iq", { type: "get", to: prosody.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    const after = Date.now();
    await pastTolerance();
    const alice = await native("alice");
    await alice.ok({ type: "xmpp.link", jid: `alicex@${prosody.domain}`, password: ALICEX_PASSWORD, service: `xmpp://127.0.0.1:${prosody.c2sPort}` }, 15_000);
    const frame = await alice.waitForType("message", (candidate) => (candidate["message"] as Record<string, unknown>)["body"] === "wrote while you were away", 20_000);
    const message = frame["message"] as Record<string, unknown>;
    assert.equal(message["from"], `xmpp://u.alice/juliet@${prosody.domain}`);
    // Prosody stamps whole seconds (XEP-0082): the second she wrote it in.
    const sentAt = message["sent_at"] as number;
    assert.ok(sentAt >= Math.floor(before / 1000) * 1000 && sentAt <= after, `sent_at ${sentAt} is between ${before} and ${after}`);
    assert.ok((message["timestamp"] as number) > sentAt + SENT_AT_TOLERANCE_MS);
  });
});
