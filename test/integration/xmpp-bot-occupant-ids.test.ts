/**
 * Who said a line in a bridge bot's MUC, across a gateway restart, against a real Prosody whose MUCs give stanza-ids
 * (mod_muc_mam) and XEP-0421 occupant ids (built into its MUC): the store keeps each line's nick and occupant id
 * (muc_line_ids), so an occupant's correction and retraction of her own line from before the restart reach the native
 * room as a correction and a retraction, while someone who took a departed occupant's nick can do neither to his.
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
const CORRECT = "urn:xmpp:message-correct:0";
const MUC = "http://jabber.org/protocol/muc";

type Frame = Record<string, unknown>;
const messageOf = (frame: Frame): Frame => (frame["message"] as Frame | undefined) ?? {};

describe("a bridge bot's MUC occupants told apart by occupant id across a restart", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let romeo: NativeClient;
  let romeoName: string;
  let muc: string;
  const botPassword = "bot secret 123";
  /** Lines of before the restart, by gateway id and room's id. */
  const lines: Record<string, { gatewayId: string; roomId: string }> = {};

  async function occupant(name: string, nick: string): Promise<XmppTestClient> {
    const account = uniqueUser(name);
    await prosody.register(account, PASSWORD);
    const client = await XmppTestClient.connect(prosody, account, PASSWORD);
    await client.sendPresence();
    await client.send(xml("presence", { to: `${muc}/${nick}` }, xml("x", { xmlns: MUC })));
    await client.waitForPresence(`${muc}/${nick}`);
    return client;
  }

  /** `client`, as `nick`, says `body` with stanza id `id`: the line as romeo got it and as the room names it. */
  async function says(client: XmppTestClient, nick: string, id: string, body: string): Promise<void> {
    await client.send(xml("message", { to: muc, type: "groupchat", id }, xml("body", {}, body)));
    const echo: Element = await client.waitForMessage(`${muc}/${nick}`, (stanza) => stanza.getChildText("body") === body);
    assert.ok(echo.getChild("occupant-id", "urn:xmpp:occupant-id:0") !== undefined, `the MUC gives occupant ids: ${echo.toString()}`);
    const roomId = echo.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === muc)?.attrs["id"];
    assert.ok(typeof roomId === "string", echo.toString());
    const heard = await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === body, 10_000);
    lines[id] = { gatewayId: String(messageOf(heard)["id"]), roomId };
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ mucArchive: true });
    muc = `lounge@${prosody.mucDomain}`;
    await prosody.register("bridgebot", botPassword);
    juliet = await occupant("juliet", "Juliet");
    daemon = Daemon.create(
      ["xmpp:", "  bots:", "    - account: bridge", `      jid: bridgebot@${prosody.domain}`, "      password: ${BOT_PASSWORD}", `      service: xmpp://127.0.0.1:${prosody.c2sPort}`, "      rooms:", `        - muc: ${muc}`, "          nick: switchboard", "          room: lounge"].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: botPassword });
    await daemon.waitForLog(/XMPP bot online/);
    romeoName = uniqueUser("romeo");
    romeo = await NativeClient.session(daemon.url, romeoName, PASSWORD, { register: true });
    await romeo.ok({ type: "room.join", room: "lounge" });

    const bob = await occupant("bob", "Bob");
    await says(juliet, "Juliet", "j-typo", "meet me at dwan");
    await says(juliet, "Juliet", "j-unsaid", "wrong room, sorry");
    await says(bob, "Bob", "bob-1", "bob's own words");
    await bob.stop();

    await romeo.close();
    await daemon.restart();
    await daemon.waitForLog(/XMPP bot online/);
    romeo = await NativeClient.session(daemon.url, romeoName, PASSWORD);
    await romeo.ok({ type: "room.join", room: "lounge" });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await romeo?.close();
    await juliet?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  it("carries an occupant's correction of her line from before the restart as a correction", async function () {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "j-fixed" }, xml("body", {}, "meet me at dawn"), xml("replace", { xmlns: CORRECT, id: "j-typo" })));
    const corrected = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "meet me at dawn", 10_000));
    assert.equal(corrected["replaces"], lines["j-typo"]?.gatewayId, JSON.stringify(corrected));
  });

  it("carries an occupant's retraction of her line from before the restart, named by the room's stanza-id, as a retraction", async function () {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "j-retract" }, xml("retract", { xmlns: RETRACT, id: lines["j-unsaid"]?.roomId }), xml("body", {}, "fallback")));
    const retraction = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["retracts"] !== undefined, 10_000));
    assert.equal(retraction["retracts"], lines["j-unsaid"]?.gatewayId, JSON.stringify(retraction));
  });

  it("takes neither a retraction nor a correction of a departed occupant's line from whoever took his nick", async function () {
    const mallory = await occupant("mallory", "Bob");
    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "not-yours" }, xml("retract", { xmlns: RETRACT, id: lines["bob-1"]?.roomId }), xml("body", {}, "fallback")));
    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "not-yours-either" }, xml("body", {}, "bob says he was wrong"), xml("replace", { xmlns: CORRECT, id: "bob-1" })));
    const corrected = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "bob says he was wrong", 10_000));
    assert.equal(corrected["replaces"], undefined, JSON.stringify(corrected));
    // A line after both: had the retraction been carried, it would have reached romeo before it.
    await mallory.sendMessage(muc, "mallory's line", "groupchat");
    await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "mallory's line", 10_000);
    assert.deepEqual(romeo.received.filter((frame) => messageOf(frame)["retracts"] === lines["bob-1"]?.gatewayId), [], "no retraction of bob's line");
    await mallory.stop();
  });
});
