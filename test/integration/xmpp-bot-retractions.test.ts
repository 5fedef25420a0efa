/**
 * XEP-0424 retractions into a bridge bot's MUCs, against a real Prosody whose MUCs give stanza-ids (mod_muc_mam): a
 * native member who retracts her line in the bridged room has the bot retract its relayed copy, named by the room's
 * stanza-id of it; in a MUC that keeps no archive (and so gives no stanza-ids) by the id the bot sent the line with.
 * An admin's moderation (room.retract) does the same for the bot's copies, and sends nothing to the MUC the
 * moderated line was said in (the bot cannot unsay an occupant's line). An occupant who took the nick of a line's
 * sender after they left cannot retract it, nor correct it (her correction is a line of her own).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const RETRACT = "urn:xmpp:message-retract:1";
const MUC = "http://jabber.org/protocol/muc";

describe("retractions into a bridge bot's MUCs", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  const botPassword = "bot secret 123";
  const adminName = uniqueUser("warden");

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ mucArchive: true });
    await prosody.register("bridgebot", botPassword);
    const julietName = uniqueUser("juliet");
    await prosody.register(julietName, PASSWORD);
    juliet = await XmppTestClient.connect(prosody, julietName, PASSWORD);
    await juliet.sendPresence();
    // juliet opens both MUCs before the bot joins, and turns the archive of unlogged@ off (so it gives no stanza-ids).
    for (const name of ["logged", "unlogged"]) {
      await juliet.send(xml("presence", { to: `${name}@${prosody.mucDomain}/Juliet` }, xml("x", { xmlns: MUC })));
      await juliet.waitForPresence(`${name}@${prosody.mucDomain}/Juliet`);
    }
    const field = (name: string, value: string): Element => xml("field", { var: name }, xml("value", {}, value));
    const form = xml("x", { xmlns: "jabber:x:data", type: "submit" }, field("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig"), field("muc#roomconfig_enablearchiving", "0"));
    await juliet.iq(xml("iq", { type: "set", to: `unlogged@${prosody.mucDomain}` }, xml("query", { xmlns: `${MUC}#owner` }, form)));
    const rooms = ["logged", "unlogged"].flatMap((name) => [`        - muc: ${name}@${prosody.mucDomain}`, "          nick: switchboard", `          room: ${name}`]);
    daemon = Daemon.create(
      [`admins: ["native:${adminName}"]`, "xmpp:", "  bots:", "    - account: bridge", `      jid: bridgebot@${prosody.domain}`, "      password: ${BOT_PASSWORD}", `      service: xmpp://127.0.0.1:${prosody.c2sPort}`, "      rooms:", ...rooms].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: botPassword });
    await daemon.waitForLog(/XMPP bot online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await juliet?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  async function retractInto(room: string): Promise<{ relayed: Element; retraction: Element }> {
    const muc = `${room}@${prosody.mucDomain}`;
    const romeoName = uniqueUser("romeo");
    const romeo = await NativeClient.session(daemon.url, romeoName, PASSWORD, { register: true });
    await romeo.ok({ type: "room.join", room });
    const sent = await romeo.ok({ type: "room.send", room, body: "wrong room, sorry" });
    const relayed = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${romeoName}> wrong room, sorry`);
    await romeo.ok({ type: "room.retract", room, message_id: sent["message_id"] as string });
    const retraction = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${muc}/switchboard` && stanza.getChild("retract", RETRACT) !== undefined, 10_000, "the bot's retraction");
    await romeo.close();
    return { relayed, retraction };
  }

  it("retracts the relayed copy of a native member's retracted line, named by the room's stanza-id of it", async function () {
    const { relayed, retraction } = await retractInto("logged");
    const roomId = relayed.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === `logged@${prosody.mucDomain}`)?.attrs["id"];
    assert.ok(typeof roomId === "string" && roomId !== relayed.attrs["id"], `the MUC gave the line its own id: ${relayed.toString()}`);
    assert.equal(retraction.attrs["type"], "groupchat");
    assert.equal(retraction.getChild("retract", RETRACT)?.attrs["id"], roomId);
    assert.equal(retraction.getChild("fallback", "urn:xmpp:fallback:0")?.attrs["for"], RETRACT);
    assert.ok(retraction.getChild("store", "urn:xmpp:hints"), "a store hint");
  });

  it("names the line by the id the bot sent it with in a MUC that gives no stanza-ids", async function () {
    const { relayed, retraction } = await retractInto("unlogged");
    assert.equal(relayed.getChild("stanza-id", "urn:xmpp:sid:0"), undefined, relayed.toString());
    assert.equal(retraction.getChild("retract", RETRACT)?.attrs["id"], relayed.attrs["id"]);
  });

  it("has an admin's moderation retract the bot's copy of a native line, and send nothing to the MUC a moderated line was said in", async function () {
    const muc = `logged@${prosody.mucDomain}`;
    const admin = await NativeClient.session(daemon.url, adminName, PASSWORD, { register: true });
    await admin.ok({ type: "room.join", room: "logged" });
    const spammerName = uniqueUser("spammer");
    const spammer = await NativeClient.session(daemon.url, spammerName, PASSWORD, { register: true });
    await spammer.ok({ type: "room.join", room: "logged" });
    const nativeSpam = await spammer.ok({ type: "room.send", room: "logged", body: "native spam" });
    const relayed = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${spammerName}> native spam`);
    const roomId = relayed.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === muc)?.attrs["id"];
    await admin.ok({ type: "room.retract", room: "logged", message_id: nativeSpam["message_id"] as string, reason: "spam" });
    const retraction = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${muc}/switchboard` && stanza.getChild("retract", RETRACT) !== undefined, 10_000, "the bot's retraction");
    assert.equal(retraction.getChild("retract", RETRACT)?.attrs["id"], roomId);

    // juliet's own line in the MUC: removed for the room's native members, and nothing sent to the MUC for it.
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "juliet-spam" }, xml("body", {}, "muc spam")));
    const heard = await admin.waitForType("message", (frame) => (frame["message"] as Record<string, unknown> | undefined)?.["body"] === "muc spam", 10_000);
    const heardId = String((heard["message"] as Record<string, unknown>)["id"]);
    await admin.ok({ type: "room.retract", room: "logged", message_id: heardId });
    await spammer.waitForType("message", (frame) => (frame["message"] as Record<string, unknown> | undefined)?.["retracts"] === heardId, 10_000);
    await spammer.ok({ type: "room.send", room: "logged", body: "after the moderation" });
    await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${spammerName}> after the moderation`);
    const stray = juliet.received.filter((stanza) => stanza.is("message") && stanza.getChild("retract", RETRACT) !== undefined);
    assert.deepEqual(stray.map(String), [], "no retraction of juliet's line from the bot");
    await admin.close();
    await spammer.close();
  });

  it("does not take a retraction or a correction from whoever took the nick of the line's sender after they left", async function () {
    const muc = `logged@${prosody.mucDomain}`;
    const romeo = await NativeClient.session(daemon.url, uniqueUser("romeo"), PASSWORD, { register: true });
    await romeo.ok({ type: "room.join", room: "logged" });
    const bodyOf = (frame: Record<string, unknown>): unknown => (frame["message"] as Record<string, unknown> | undefined)?.["body"];
    const retractsOf = (frame: Record<string, unknown>): unknown => (frame["message"] as Record<string, unknown> | undefined)?.["retracts"];
    const inMuc = async (name: string): Promise<XmppTestClient> => {
      const account = uniqueUser(name);
      await prosody.register(account, PASSWORD);
      const client = await XmppTestClient.connect(prosody, account, PASSWORD);
      await client.sendPresence();
      await client.send(xml("presence", { to: `${muc}/Bob` }, xml("x", { xmlns: MUC })));
      await client.waitForPresence(`${muc}/Bob`);
      return client;
    };
    const bob = await inMuc("bob");
    await bob.send(xml("message", { to: muc, type: "groupchat", id: "bob-1" }, xml("body", {}, "bob's own words")));
    const echo = await bob.waitForMessage(`${muc}/Bob`, (stanza) => stanza.getChildText("body") === "bob's own words");
    const roomId = echo.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === muc)?.attrs["id"];
    assert.ok(typeof roomId === "string", echo.toString());
    await romeo.waitForType("message", (frame) => bodyOf(frame) === "bob's own words", 10_000);
    await bob.stop();

    const mallory = await inMuc("mallory");
    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "not-yours" }, xml("retract", { xmlns: RETRACT, id: roomId }), xml("body", {}, "fallback")));
    // A correction of bob's line from the newcomer is a line of hers, not a change of his.
    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "not-yours-either" }, xml("body", {}, "bob says he was wrong"), xml("replace", { xmlns: "urn:xmpp:message-correct:0", id: "bob-1" })));
    const corrected = await romeo.waitForType("message", (frame) => bodyOf(frame) === "bob says he was wrong", 10_000);
    assert.equal((corrected["message"] as Record<string, unknown>)["replaces"], undefined, JSON.stringify(corrected));
    await mallory.sendMessage(muc, "mallory's line", "groupchat");
    await romeo.waitForType("message", (frame) => bodyOf(frame) === "mallory's line", 10_000);
    assert.deepEqual(romeo.received.filter((frame) => retractsOf(frame) !== undefined), [], "no retraction of bob's line");
    await mallory.stop();
    await romeo.close();
  });
});
