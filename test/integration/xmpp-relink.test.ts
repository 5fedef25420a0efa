/**
 * Linking the same XMPP account again with a changed password, against a real Prosody and the real daemon: alice's
 * linked alicex@localhost is a mutual contact of juliet's; a wrong new password changes nothing, and after alicex's
 * password is changed from her phone (which ends the gateway's session) the right one brings the session back with
 * the buddy list and the subscriptions as they were, and is the one stored. The tests run in order.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { befriend, XmppTestClient } from "../helpers/xmpp-client.js";

const OLD_PASSWORD = "alicex-Secret-4242";
const NEW_PASSWORD = "alicex-Changed-4343";
const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
const GATEWAY_SESSION = "alicex@localhost/switchboard";

/** Presence juliet got from alicex that no contact should ever see from a re-link: subscription changes, or the check's session. */
function churn(stanza: Element): boolean {
  const from = String(stanza.attrs["from"]);
  if (!stanza.is("presence") || !from.startsWith("alicex@localhost")) return false;
  return ["subscribe", "subscribed", "unsubscribe", "unsubscribed"].includes(String(stanza.attrs["type"])) || (from.includes("/") && from !== GATEWAY_SESSION && !from.endsWith("/phone"));
}

describe("linking a linked XMPP account again, against Prosody", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let phone: XmppTestClient;
  let alice: NativeClient;
  /** Where juliet's transcript stood once alice had linked her account (their subscriptions were made before). */
  let linkedAt: number;

  function link(password: string): Promise<Frame> {
    return alice.request({ type: "xmpp.link", jid: "alicex@localhost", password, service: `xmpp://127.0.0.1:${prosody.c2sPort}` }, 20_000);
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ users: [{ name: "alicex", password: OLD_PASSWORD }, { name: "juliet", password: PASSWORD }] });
    phone = await XmppTestClient.connect(prosody, "alicex", OLD_PASSWORD, "phone");
    juliet = await XmppTestClient.connect(prosody, "juliet", PASSWORD);
    for (const client of [phone, juliet]) await client.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    for (const client of [phone, juliet]) await client.sendPresence();
    await befriend(phone, juliet);
    daemon = Daemon.create(["xmpp:", "  user_accounts:", "    enabled: true", "    credential_key: ${KEY}", "    internal_hosts: [127.0.0.1]"].join("\n"));
    await daemon.start({ KEY: randomBytes(32).toString("hex") });
    alice = await NativeClient.session(daemon.url, "alice", PASSWORD, { register: true });
    const linked = await link(OLD_PASSWORD);
    assert.equal(linked.type, "ok", JSON.stringify(linked));
    await juliet.waitForPresence(GATEWAY_SESSION, (stanza) => stanza.attrs["type"] === undefined);
    linkedAt = juliet.transcript.length;
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000), prosody.log().slice(-3000));
  });

  after(async function () {
    await alice?.close();
    await phone?.stop();
    await juliet?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  it("refuses a wrong password as a failed link does, and leaves the running link alone", async function () {
    const refused = await link("not her password");
    assert.equal(refused["code"], "GW_ERR_AUTH_FAILED");
    await juliet.sendMessage("alicex@localhost", "Still linked?");
    const received = (await alice.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([received["from"], received["body"]], [JULIET_ADDRESS, "Still linked?"]);
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Still linked" });
    await juliet.waitForMessage(GATEWAY_SESSION, (message) => message.getChildText("body") === "Still linked");
    const left = juliet.transcript.slice(linkedAt).filter((stanza) => stanza.is("presence") && stanza.attrs["from"] === GATEWAY_SESSION && stanza.attrs["type"] === "unavailable");
    assert.deepEqual(left, [], "the gateway's session never went away");
    assert.doesNotMatch(daemon.log, /account linked again/);
  });

  it("takes the changed password: the session comes back, with the buddy list and subscriptions as they were", async function () {
    // XEP-0077 section 3.3, from her phone; Prosody then ends the account's other sessions, the gateway's too.
    await phone.iq(xml("iq", { type: "set", to: "localhost" }, xml("query", { xmlns: "jabber:iq:register" }, xml("username", {}, "alicex"), xml("password", {}, NEW_PASSWORD))));
    await juliet.waitForPresence(GATEWAY_SESSION, (stanza) => stanza.attrs["type"] === "unavailable");
    await daemon.waitForLog(/"code":"GW_ERR_AUTH_FAILED"[^\n]*adapter down; restarting after backoff/);

    const answer = await link(NEW_PASSWORD);
    assert.deepEqual(answer, { type: "ok", id: answer["id"], account: "u.alice", jid: "alicex@localhost", address_prefix: "xmpp://u.alice/" });
    await juliet.waitForPresence(GATEWAY_SESSION, (stanza) => stanza.attrs["type"] === undefined);
    await alice.waitForType("presence", (frame) => frame["from"] === JULIET_ADDRESS && frame["show"] === "online");
    const juliets = ((await alice.ok({ type: "contact.list" }))["contacts"] as Record<string, unknown>[]).filter((contact) => contact["address"] === JULIET_ADDRESS);
    assert.deepEqual(
      juliets.map((contact) => [contact["subscription"], contact["pending_in"], contact["pending_out"]]),
      [["both", false, false]],
    );
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Back, with my new password" });
    await juliet.waitForMessage(GATEWAY_SESSION, (message) => message.getChildText("body") === "Back, with my new password");
    assert.deepEqual(juliet.transcript.slice(linkedAt).filter(churn), [], "juliet saw no subscription change and no other session of alicex");
    const roster = await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    const item = roster.getChild("query", "jabber:iq:roster")?.getChildren("item").find((candidate) => candidate.attrs["jid"] === "alicex@localhost");
    assert.equal(item?.attrs["subscription"], "both");
  });

  it("logs in with the new password after a restart: it is the one stored", async function () {
    await daemon.stop();
    await daemon.start();
    await daemon.waitForLog(/XMPP account online/, 15_000);
    alice = await NativeClient.session(daemon.url, "alice", PASSWORD);
    await juliet.sendMessage("alicex@localhost", "After the restart");
    const received = (await alice.waitForType("message", () => true, 10_000))["message"] as Record<string, unknown>;
    assert.deepEqual([received["from"], received["body"]], [JULIET_ADDRESS, "After the restart"]);
  });
});
