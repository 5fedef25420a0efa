/**
 * Linked accounts against a real Prosody and the real daemon: native alice links her own XMPP account
 * alicex@localhost; her XMPP roster (juliet) becomes her buddy list with live presence, chats go both ways
 * through her account, her native presence is her XMPP presence, and the link survives a restart with the
 * password only ever stored encrypted. The tests of the main suite run in order and build on each other.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { xml } from "@xmpp/client";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import type { ProsodyServer } from "../helpers/servers.js";
import { befriend, XmppTestClient } from "../helpers/xmpp-client.js";

const JULIET = "juliet@localhost";
const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";

function contactIn(answer: Frame, address: string): Record<string, unknown> | undefined {
  return (answer["contacts"] as Record<string, unknown>[]).find((contact) => contact["address"] === address);
}

describe("linked XMPP accounts against Prosody", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let alice: NativeClient;

  function native(name: string, register: boolean): Promise<NativeClient> {
    return suite.native(name, { register });
  }

  function link(client: NativeClient, jid: string, password: string): Promise<Frame> {
    return client.request({ type: "xmpp.link", jid, password, service: `xmpp://127.0.0.1:${prosody.c2sPort}` }, 15_000);
  }

  const suite = useLinkedAccount({
    users: ["juliet"],
    link: false,
    async beforeDaemon() {
      prosody = suite.prosody();
      // alicex and juliet become mutual roster contacts, the usual XMPP way, before the gateway is involved.
      const alicex = await XmppTestClient.connect(prosody, "alicex", ALICEX_PASSWORD, "phone");
      juliet = await suite.xmpp("juliet");
      // Fetching the roster makes a session "interested" (RFC 6121 section 2.1.6): it gets roster pushes.
      for (const client of [alicex, juliet]) await client.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
      await alicex.sendPresence();
      await juliet.sendPresence("away", "balcony");
      await befriend(alicex, juliet);
      await alicex.stop();
    },
  });

  before(function () {
    [daemon, alice] = [suite.daemon(), suite.alice()];
  });

  it("links alice's XMPP account and imports her roster with her contacts' presence", async function () {
    const answer = await link(alice, "AliceX@localhost", ALICEX_PASSWORD);
    assert.deepEqual(answer, { type: "ok", id: answer["id"], account: "u.alice", jid: "alicex@localhost", address_prefix: "xmpp://u.alice/" });
    const seen = await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS);
    assert.deepEqual([seen["show"], seen["status"]], ["away", "balcony"]);
    const list = await alice.ok({ type: "contact.list" });
    assert.deepEqual(contactIn(list, JULIET_ADDRESS), {
      address: JULIET_ADDRESS,
      name: JULIET,
      subscription: "both",
      pending_out: false,
      pending_in: false,
      presence: { show: "away", status: "balcony" },
    });
    // Juliet sees alicex online through the gateway's session.
    await juliet.waitForPresence("alicex@localhost/switchboard", (stanza) => stanza.attrs["type"] === undefined);
  });

  it("shows alice juliet's presence changes", async function () {
    await juliet.sendPresence("dnd", "in a meeting");
    const seen = await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && frame["show"] === "dnd");
    assert.equal(seen["status"], "in a meeting");
  });

  it("carries chats both ways through alice's account, for alice only", async function () {
    await juliet.sendMessage("alicex@localhost", "Wherefore art thou? 🌹");
    const received = (await alice.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([received["from"], received["to"], received["body"], received["sender_name"]], [JULIET_ADDRESS, "native:alice", "Wherefore art thou? 🌹", "juliet"]);

    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Here, by the <orchard> & wall" });
    const reply = await juliet.waitForMessage("alicex@localhost");
    assert.equal(reply.getChildText("body"), "Here, by the <orchard> & wall");
    assert.equal(reply.attrs["type"], "chat");

    await alice.ok({ type: "typing", to: JULIET_ADDRESS, state: "composing" });
    await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChild("composing", "http://jabber.org/protocol/chatstates") !== undefined);

    const bob = await native("bob", true);
    const refused = await bob.request({ type: "message.send", to: JULIET_ADDRESS, body: "let me use alice's account" });
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN");
    const notAdded = await bob.request({ type: "contact.add", address: JULIET_ADDRESS });
    assert.equal(notAdded["code"], "GW_ERR_FORBIDDEN");
    // Nor does he type to juliet through alice's account: refused as his message is, not answered ok and dropped.
    const notTyped = await bob.request({ type: "typing", to: JULIET_ADDRESS, state: "composing" });
    assert.deepEqual([notTyped["code"], notTyped["message"]], ["GW_ERR_FORBIDDEN", `${JULIET_ADDRESS} is reached through native:alice's own account, for native:alice only`]);
  });

  it("lets alice read her conversation with juliet, and refuses it to anyone else", async function () {
    const history = await alice.ok({ type: "history", with: JULIET_ADDRESS });
    const bodies = (history["messages"] as Record<string, unknown>[]).map((message) => message["body"]);
    assert.deepEqual(bodies, ["Wherefore art thou? 🌹", "Here, by the <orchard> & wall"]);
    const eve = await native(uniqueUser("eve"), true);
    const refused = await eve.request({ type: "history", with: JULIET_ADDRESS });
    assert.deepEqual([refused["code"], refused["message"]], ["GW_ERR_FORBIDDEN", `${JULIET_ADDRESS} is reached through native:alice's own account, for native:alice only`]);
  });

  it("answers juliet's chat too long to take with policy-violation, instead of dropping it unsaid", async function () {
    const id = juliet.id("long");
    await juliet.send(xml("message", { to: "alicex@localhost", type: "chat", id }, xml("body", {}, "x".repeat(70_000))));
    const error = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["id"] === id, 5000, "the error answer to the long chat");
    assert.equal(error.attrs["type"], "error");
    assert.ok(error.getChild("error")?.getChild("policy-violation"), error.toString());
    assert.match(error.getChild("error")?.getChildText("text") ?? "", /longer than 65536 characters/);
    await juliet.sendMessage("alicex@localhost", "the short version");
    const received = (await alice.waitForType("message"))["message"] as Record<string, unknown>;
    assert.equal(received["body"], "the short version", "the long chat never reached alice");
  });

  it("asks juliet's client for a receipt when a session of alice asked for receipts, and tells alice when it answers", async function () {
    const withReceipts = await suite.native("alice", { features: ["receipts"] });
    try {
      const sent = await withReceipts.ok({ type: "message.send", to: JULIET_ADDRESS, body: "did it reach you?" });
      const stanza = await juliet.waitForMessage("alicex@localhost", (message) => message.getChildText("body") === "did it reach you?");
      assert.ok(stanza.getChild("request", "urn:xmpp:receipts"), stanza.toString());
      await juliet.send(xml("message", { to: String(stanza.attrs["from"]), id: juliet.id("ack") }, xml("received", { xmlns: "urn:xmpp:receipts", id: String(stanza.attrs["id"]) })));
      const delivered = await withReceipts.waitForType("message.delivered");
      assert.deepEqual([delivered["message_id"], delivered["to"]], [sent["message_id"], JULIET_ADDRESS]);
    } finally {
      await withReceipts.close(); // the presence test after this one counts alice's sessions
    }
  });

  it("makes alice's native presence her XMPP presence", async function () {
    await alice.ok({ type: "presence.set", show: "away", status: "lunch" });
    const seen = await juliet.waitForPresence("alicex@localhost/switchboard", (stanza) => stanza.getChildText("status") === "lunch");
    assert.equal(seen.getChildText("show"), "away");
  });

  it("never stores or logs the XMPP password in clear", async function () {
    const files = ["switchboard.db", "switchboard.db-wal"].map((name) => join(daemon.dir, name)).filter((file) => existsSync(file));
    const bytes = Buffer.concat(files.map((file) => readFileSync(file)));
    assert.ok(bytes.includes(Buffer.from("alicex@localhost")), "the linked account is in the database files");
    assert.equal(bytes.includes(Buffer.from(ALICEX_PASSWORD)), false, "the database files hold the password");
    assert.equal(daemon.log.includes(ALICEX_PASSWORD), false, "the log holds the password");
  });

  it("keeps the link across a daemon restart, with the password decrypted from the store", async function () {
    await daemon.stop();
    await juliet.waitForPresence("alicex@localhost/switchboard", (stanza) => stanza.attrs["type"] === "unavailable");
    await daemon.start();
    await daemon.waitForLog(/XMPP account online/, 15_000);
    alice = await native("alice", false);
    await juliet.sendMessage("alicex@localhost", "Are you still there?");
    const received = (await alice.waitForType("message", () => true, 10_000))["message"] as Record<string, unknown>;
    assert.deepEqual([received["from"], received["body"]], [JULIET_ADDRESS, "Are you still there?"]);
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Still here" });
    assert.equal((await juliet.waitForMessage("alicex@localhost")).getChildText("body"), "Still here");
  });

  it("refuses a wrong password with GW_ERR_AUTH_FAILED and keeps nothing", async function () {
    const carol = await native("carol", true);
    await prosody.register("carolx", "the right one");
    const refused = await link(carol, "carolx@localhost", "the wrong one");
    assert.equal(refused["code"], "GW_ERR_AUTH_FAILED");
    const unlinked = await carol.request({ type: "xmpp.unlink" });
    assert.equal(unlinked["code"], "GW_ERR_NOT_FOUND", "nothing was stored");
    assert.deepEqual((await carol.ok({ type: "contact.list" }))["contacts"], []);
  });

  it("refuses a second account while one is linked, and an unreachable server", async function () {
    await prosody.register("alicey", ALICEX_PASSWORD);
    const another = await link(alice, "alicey@localhost", ALICEX_PASSWORD);
    assert.deepEqual([another["code"], another["message"]], ["GW_ERR_FORBIDDEN", "a xmpp account (alicex@localhost) is already linked; unlink it first"]);
    const dave = await native("dave", true);
    const unreachable = await dave.request({ type: "xmpp.link", jid: "dave@localhost", password: "whatever", service: `xmpp://127.0.0.1:1` }, 20_000);
    assert.equal(unreachable["code"], "GW_ERR_UNAVAILABLE");
  });

  it("connects to no server on an internal network that the operator did not list, and refuses what is no service", async function () {
    const fay = await native("fay", true);
    // Only 127.0.0.1 is listed: localhost is the same machine under another name, 10.0.0.1 a machine of the LAN.
    for (const service of [`xmpp://localhost:${prosody.c2sPort}`, "xmpp://10.0.0.1:5222", "xmpps://[::1]:5223"]) {
      const refused = await fay.request({ type: "xmpp.link", jid: "fay@localhost", password: "whatever", service }, 20_000);
      assert.deepEqual([refused["code"], /internal network/.test(String(refused["message"]))], ["GW_ERR_FORBIDDEN", true], service);
    }
    const gus = await native("gus", true);
    const noPort = await gus.request({ type: "xmpp.link", jid: "gus@localhost", password: "whatever", service: "xmpp://127.0.0.1:99999" });
    assert.equal(noPort["code"], "GW_ERR_BAD_ADDRESS");
    // Every failed attempt counts against the user, not only refused passwords: five, then the next is refused.
    for (let i = 0; i < 4; i++) await gus.request({ type: "xmpp.link", jid: "gus@localhost", password: "whatever", service: "xmpp://10.0.0.1:5222" });
    assert.equal((await gus.request({ type: "xmpp.link", jid: "gus@localhost", password: "whatever", service: "xmpp://10.0.0.1:5222" }))["code"], "GW_ERR_RATE_LIMITED");
    assert.doesNotMatch(daemon.log, /10\.0\.0\.1[^\n]*XMPP account connection error/);
  });

  it("unlinks at once: logs out, removes the imported contacts and the credentials", async function () {
    await alice.ok({ type: "xmpp.unlink" });
    await juliet.waitForPresence("alicex@localhost/switchboard", (stanza) => stanza.attrs["type"] === "unavailable");
    assert.equal(contactIn(await alice.ok({ type: "contact.list" }), JULIET_ADDRESS), undefined);
    const noRoute = await alice.request({ type: "message.send", to: JULIET_ADDRESS, body: "anyone?" });
    assert.equal(noRoute["code"], "GW_ERR_NO_ROUTE");
    assert.equal((await alice.request({ type: "xmpp.unlink" }))["code"], "GW_ERR_NOT_FOUND");
    await daemon.restart();
    assert.doesNotMatch(daemon.log, /XMPP account online/);
  });
});

describe("linked XMPP accounts when the gateway does not offer them", function () {
  let daemon: Daemon;

  before(async function () {
    daemon = Daemon.create();
    await daemon.start();
  });

  after(async function () {
    await daemon?.dispose();
  });

  it("refuses xmpp.link with GW_ERR_FORBIDDEN", async function () {
    const erin = await NativeClient.session(daemon.url, "erin", PASSWORD, { register: true });
    const refused = await erin.request({ type: "xmpp.link", jid: "erin@localhost", password: "whatever", service: "xmpp://127.0.0.1:5222" });
    assert.deepEqual([refused["code"], refused["message"]], ["GW_ERR_FORBIDDEN", "linking accounts is disabled on this gateway"]);
    await erin.close();
  });

  it("keeps contacts of someone else's linked account out of every list, linked now or not", async function () {
    const erin = await NativeClient.session(daemon.url, uniqueUser("erin"), PASSWORD, { register: true });
    const theirs = "xmpp://u.frank/juliet@example.org";
    for (const frame of [{ type: "contact.add", address: theirs }, { type: "presence.deny", address: theirs }, { type: "presence.unsubscribe", address: theirs }]) {
      assert.equal((await erin.request(frame))["code"], "GW_ERR_FORBIDDEN", frame.type);
    }
    assert.deepEqual((await erin.ok({ type: "contact.list" }))["contacts"], []);
    await erin.close();
  });

  it("refuses the history with a contact of someone else's linked account instead of answering an empty one", async function () {
    const erin = await NativeClient.session(daemon.url, uniqueUser("erin"), PASSWORD, { register: true });
    const refused = await erin.request({ type: "history", with: "xmpp://u.frank/juliet@example.org", limit: 10 });
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN");
    await erin.close();
  });
});
