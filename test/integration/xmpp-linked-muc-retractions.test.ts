/**
 * XEP-0424 retractions, and reactions to lines a MUC gave no id, in the MUCs alice joined through her linked XMPP
 * account, against a real Prosody 0.12 (mod_muc_mam; its MUC announces no message-retract feature) and the real
 * daemon. Her retraction of her own line goes out from her account naming it by the room's stanza-id; she cannot
 * retract juliet's line (she moderates nothing there through the gateway); juliet's retraction of her own line reaches
 * alice's sessions, one of alice's line does not. In a room whose archive is off (no stanza-ids) a reaction to, or a
 * retraction of, juliet's line is refused at once with GW_ERR_NOT_FOUND, never answered ok and then reported failed.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const RETRACT = "urn:xmpp:message-retract:1";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

describe("retractions in a MUC joined through a linked XMPP account against Prosody", function () {
  let juliet: XmppTestClient;
  let alice: NativeClient;
  let logged: string;
  let unlogged: string;

  const suite = useLinkedAccount({
    users: ["juliet"],
    mucArchive: true,
    async beforeDaemon() {
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      logged = `unsay@${suite.prosody().mucDomain}`;
      unlogged = `unsaid@${suite.prosody().mucDomain}`;
      for (const muc of [logged, unlogged]) {
        await juliet.send(xml("presence", { to: `${muc}/Juliet` }, xml("x", { xmlns: MUC })));
        await juliet.waitForPresence(`${muc}/Juliet`);
      }
      // The archive of unsaid@ off: Prosody gives its lines no stanza-ids.
      const field = (name: string, value: string): Element => xml("field", { var: name }, xml("value", {}, value));
      const form = xml("x", { xmlns: "jabber:x:data", type: "submit" }, field("FORM_TYPE", `${MUC}#roomconfig`), field("muc#roomconfig_enablearchiving", "0"));
      await juliet.iq(xml("iq", { type: "set", to: unlogged }, xml("query", { xmlns: `${MUC}#owner` }, form)));
    },
  });

  before(function () {
    alice = suite.alice();
  });

  const heard = async (match: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => messageOf(await alice.waitForType("message", (frame) => match(messageOf(frame)), 10_000));
  const roomIdOf = (stanza: Element, muc: string): string => {
    const id = stanza.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === muc)?.attrs["id"];
    assert.ok(typeof id === "string", stanza.toString());
    return id;
  };
  const join = async (muc: string): Promise<string> => {
    const room = `xmpp://u.alice/${muc}`;
    await alice.ok({ type: "room.join", room }, 15_000);
    await juliet.waitForPresence(`${muc}/alice`, (presence) => presence.attrs["type"] === undefined);
    return room;
  };
  const julietSays = async (muc: string, body: string): Promise<{ stanza: Element; shown: Record<string, unknown> }> => {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: juliet.id("muc") }, xml("body", {}, body)));
    const stanza = await juliet.waitForMessage(`${muc}/Juliet`, (candidate) => candidate.getChildText("body") === body);
    return { stanza, shown: await heard((message) => message["body"] === body) };
  };

  it("retracts alice's own line by the room's stanza-id, refuses juliet's, and shows alice juliet's retraction of her own", async function () {
    const room = await join(logged);
    const sent = await alice.ok({ type: "room.send", room, body: "meet at the wrong pier" });
    const line = await juliet.waitForMessage(`${logged}/alice`, (stanza) => stanza.getChildText("body") === "meet at the wrong pier");
    const answer = await alice.ok({ type: "room.retract", room, message_id: sent["message_id"] as string });
    const retraction = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${logged}/alice` && stanza.getChild("retract", RETRACT) !== undefined, 10_000, "alice's retraction");
    assert.equal(retraction.attrs["type"], "groupchat");
    assert.equal(retraction.getChild("retract", RETRACT)?.attrs["id"], roomIdOf(line, logged));
    assert.ok(typeof answer["message_id"] === "string");

    const { stanza: julietsLine, shown } = await julietSays(logged, "the boat is late");
    const refused = await alice.request({ type: "room.retract", room, message_id: shown["id"] as string });
    assert.deepEqual([refused.type, refused["code"]], ["error", "GW_ERR_FORBIDDEN"], JSON.stringify(refused));
    const moderation = await alice.request({ type: "room.retract", room, message_id: shown["id"] as string, reason: "spam" });
    assert.deepEqual([moderation.type, moderation["code"]], ["error", "GW_ERR_FORBIDDEN"], JSON.stringify(moderation));

    // juliet retracts alice's line (refused by the gateway), then her own (shown to alice as a retraction).
    const retract = (id: string): Element => xml("message", { to: logged, type: "groupchat", id: juliet.id("r") }, xml("retract", { xmlns: RETRACT, id }), xml("body", {}, "/me retracted a message"), xml("store", { xmlns: "urn:xmpp:hints" }));
    const alicesOther = await alice.ok({ type: "room.send", room, body: "I am on board" });
    const alicesOtherLine = await juliet.waitForMessage(`${logged}/alice`, (stanza) => stanza.getChildText("body") === "I am on board");
    await juliet.send(retract(roomIdOf(alicesOtherLine, logged)));
    await juliet.send(retract(roomIdOf(julietsLine, logged)));
    const unsaid = await heard((message) => message["retracts"] !== undefined);
    assert.deepEqual([unsaid["retracts"], unsaid["from"], unsaid["to"], unsaid["body"]], [shown["id"], `${room}%2FJuliet`, room, ""], JSON.stringify(unsaid));
    assert.deepEqual(alice.pending("message").filter((frame) => messageOf(frame)["retracts"] === alicesOther["message_id"]), []);
    assert.deepEqual(alice.pending("message.failed"), []);
  });

  it("refuses at once a reaction to a line the room gave no id, and retracts her own line there by the id she sent it with", async function () {
    const room = await join(unlogged);
    const { shown } = await julietSays(unlogged, "no archive here");
    const reaction = await alice.request({ type: "room.react", room, message_id: shown["id"] as string, reactions: ["👍"] });
    assert.deepEqual([reaction.type, reaction["code"]], ["error", "GW_ERR_NOT_FOUND"], JSON.stringify(reaction));

    // Her own line there is known by the id she sent it with, which the room keeps: it can be retracted.
    const sent = await alice.ok({ type: "room.send", room, body: "oops" });
    await juliet.waitForMessage(`${unlogged}/alice`, (stanza) => stanza.getChildText("body") === "oops");
    await alice.ok({ type: "room.retract", room, message_id: sent["message_id"] as string });
    const retraction = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${unlogged}/alice` && stanza.getChild("retract", RETRACT) !== undefined, 10_000, "alice's retraction");
    assert.equal(retraction.getChild("retract", RETRACT)?.attrs["id"], sent["message_id"]);
    assert.deepEqual(alice.pending("message.failed"), []);
  });
});
