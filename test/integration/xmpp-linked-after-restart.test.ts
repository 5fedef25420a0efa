/**
 * Corrections (XEP-0308) and retractions (XEP-0424) through a linked XMPP account of direct lines sent before the
 * gateway restarted, against a real Prosody (mod_carbons) and the real daemon: alice links alicex@localhost and also
 * uses it from her phone. After the restart the memory of ids is gone and the message log finds each line: juliet's
 * corrections and retractions of her own lines (never of alice's), the phone's correction of its line, and alice's
 * native correction and retraction of a phone line, which name it by the phone's id, the one juliet got.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const ALICEX_PASSWORD = "alicex-Secret-4242";
const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
const CORRECTION = "urn:xmpp:message-correct:0";
const RETRACT = "urn:xmpp:message-retract:1";

const messageOf = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;
const withBody = (body: string) => (frame: Frame): boolean => messageOf(frame)["body"] === body;

function chat(to: string, id: string, body: string, replaces?: string): Element {
  return xml("message", { to, type: "chat", id }, xml("body", {}, body), ...(replaces === undefined ? [] : [xml("replace", { xmlns: CORRECTION, id: replaces })]));
}

describe("corrections and retractions through a linked XMPP account after a restart, against Prosody", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let phone: XmppTestClient;
  let alice: NativeClient | undefined;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ users: [{ name: "alicex", password: ALICEX_PASSWORD }, { name: "juliet", password: PASSWORD }] });
    juliet = await XmppTestClient.connect(prosody, "juliet", PASSWORD);
    await juliet.sendPresence();
    phone = await XmppTestClient.connect(prosody, "alicex", ALICEX_PASSWORD, "phone");
    await phone.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:carbons:2" })));
    await phone.sendPresence();
    daemon = Daemon.create(["xmpp:", "  user_accounts:", "    enabled: true", "    credential_key: ${KEY}", "    internal_hosts: [127.0.0.1]"].join("\n"));
    await daemon.start({ KEY: randomBytes(32).toString("hex") });
    alice = await NativeClient.session(daemon.url, "alice", PASSWORD, { register: true });
    await alice.ok({ type: "xmpp.link", jid: "alicex@localhost", password: ALICEX_PASSWORD, service: `xmpp://127.0.0.1:${prosody.c2sPort}` }, 15_000);
    await phone.waitForPresence("alicex@localhost/switchboard", (stanza) => stanza.attrs["type"] === undefined);
    await daemon.waitForLog(/message carbons enabled/);
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

  it("finds each side's lines from before the restart in the log, and never takes juliet's naming of alice's line as hers", async function () {
    this.timeout(60_000);
    const before = alice;
    assert.ok(before);
    await juliet.send(chat("alicex@localhost", "juliet-typo", "see you tomorow"));
    const typo = messageOf(await before.waitForType("message", withBody("see you tomorow")));
    await juliet.send(chat("alicex@localhost", "juliet-regret", "I never liked you"));
    const regret = messageOf(await before.waitForType("message", withBody("I never liked you")));
    await phone.send(chat("juliet@localhost", "phone-bus", "Written on teh bus"));
    const bus = messageOf(await before.waitForType("message", withBody("Written on teh bus")));
    await phone.send(chat("juliet@localhost", "phone-train", "Sent from the train"));
    const train = messageOf(await before.waitForType("message", withBody("Sent from the train")));
    await juliet.waitForMessage("alicex@localhost/phone", (stanza) => stanza.getChildText("body") === "Sent from the train");
    await before.close();

    await daemon.restart();
    await daemon.waitForLog(/message carbons enabled/, 20_000);
    alice = await NativeClient.session(daemon.url, "alice", PASSWORD);
    const after = alice;

    await juliet.send(chat("alicex@localhost", juliet.id("c"), "see you tomorrow", "juliet-typo"));
    assert.equal(messageOf(await after.waitForType("message", withBody("see you tomorrow")))["replaces"], typo["id"], "juliet's correction of her line");
    await juliet.send(xml("message", { to: "alicex@localhost", type: "chat", id: juliet.id("r") }, xml("retract", { xmlns: RETRACT, id: "juliet-regret" }), xml("body", {}, "fallback")));
    const retracted = messageOf(await after.waitForType("message", (frame) => messageOf(frame)["retracts"] !== undefined));
    assert.deepEqual([retracted["from"], retracted["retracts"]], [JULIET_ADDRESS, regret["id"]]);
    // Alice's line from her phone, named by juliet: not juliet's, so a line of her own.
    await juliet.send(chat("alicex@localhost", juliet.id("c"), "Written by juliet", "phone-bus"));
    assert.equal(messageOf(await after.waitForType("message", withBody("Written by juliet")))["replaces"], undefined, "alice's line is not juliet's to correct");

    // The phone corrects its line: alice's own correction (a sent carbon), of the line as the log has it.
    await phone.send(chat("juliet@localhost", "phone-bus-fix", "Written on the bus", "phone-bus"));
    const fixed = messageOf(await after.waitForType("message", withBody("Written on the bus")));
    assert.deepEqual([fixed["replaces"], fixed["carbon"]], [bus["id"], "sent"]);

    // Alice corrects and retracts the phone's line from a session: juliet got it as "phone-train", and is told so.
    await after.ok({ type: "message.send", to: JULIET_ADDRESS, body: "Sent from the tram", replaces: train["id"] });
    const corrected = await juliet.waitForMessage("alicex@localhost/switchboard", (stanza) => stanza.getChildText("body") === "Sent from the tram");
    assert.equal(corrected.getChild("replace", CORRECTION)?.attrs["id"], "phone-train");
    await after.ok({ type: "message.retract", to: JULIET_ADDRESS, message_id: train["id"] as string });
    const unsaid = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === "alicex@localhost/switchboard" && stanza.getChild("retract", RETRACT) !== undefined, 10_000, "alice's retraction");
    assert.equal(unsaid.getChild("retract", RETRACT)?.attrs["id"], "phone-train");
  });
});
