/**
 * Bans in a MUC alice is in through her linked XMPP account, against a real Prosody and the real daemon: refused while
 * she is a participant (the MUC's refusal, and an occupant whose real JID the room hides from her), then, made an admin
 * by juliet (the room's owner), a ban of an occupant by the real JID the room now shows her, the ban list, the ban
 * lifted (the occupant may join again), and the lifting of a ban nobody has. The tests run in order and build on each other.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC_NS = "http://jabber.org/protocol/muc";

describe("a linked XMPP account's MUC: bans, against Prosody", function () {
  let juliet: XmppTestClient;
  let romeo: XmppTestClient;
  let alice: NativeClient;
  let hall: string;
  let room: string;

  const codesOf = (presence: Element): string[] => (presence.getChild("x", `${MUC_NS}#user`)?.getChildren("status") ?? []).map((status) => String(status.attrs["code"]));

  async function enter(client: XmppTestClient, nick: string): Promise<Element> {
    await client.send(xml("presence", { to: `${hall}/${nick}` }, xml("x", { xmlns: MUC_NS })));
    return client.waitForPresence(`${hall}/${nick}`, (presence) => presence.attrs["type"] === "error" || codesOf(presence).includes("110"));
  }

  function member(frame: Frame): Record<string, unknown> {
    return frame["member"] as Record<string, unknown>;
  }

  const suite = useLinkedAccount({
    users: ["juliet", "romeo"],
    async beforeDaemon() {
      hall = `hall@${suite.prosody().mucDomain}`;
      room = `xmpp://u.alice/${hall}`;
      juliet = await suite.xmpp("juliet");
      romeo = await suite.xmpp("romeo");
      await juliet.sendPresence();
      await romeo.sendPresence();
      await enter(juliet, "Juliet");
      await enter(romeo, "Romeo");
    },
  });

  before(async function () {
    alice = suite.alice();
    await alice.ok({ type: "room.join", room }, 15_000);
  });

  it("answers a ban, its lifting and the ban list the MUC does not let her ask with GW_ERR_FORBIDDEN", async function () {
    for (const frame of [
      { type: "room.ban", room, member: "xmpp:romeo@localhost", reason: "no" },
      { type: "room.unban", room, member: "xmpp:romeo@localhost" },
      { type: "room.bans", room },
    ]) {
      const refused = await alice.request(frame, 15_000);
      assert.equal(refused["code"], "GW_ERR_FORBIDDEN", JSON.stringify(refused));
    }
  });

  it("refuses to ban an occupant whose real JID the room does not show her, and someone not in the room", async function () {
    const hidden = await alice.request({ type: "room.ban", room, member: `${room}%2FRomeo` }, 15_000);
    assert.equal(hidden["code"], "GW_ERR_UNSUPPORTED", JSON.stringify(hidden));
    assert.match(String(hidden["message"]), /real JID/);
    const nobody = await alice.request({ type: "room.ban", room, member: `${room}%2FNobody` }, 15_000);
    assert.equal(nobody["code"], "GW_ERR_NOT_FOUND", JSON.stringify(nobody));
  });

  it("bans an occupant by the real JID the room shows her as its admin, and lists the ban", async function () {
    await juliet.iq(xml("iq", { type: "set", to: hall }, xml("query", { xmlns: `${MUC_NS}#admin` }, xml("item", { jid: "alicex@localhost", affiliation: "admin" }))));
    const promoted = await alice.waitForType("room.member", (frame) => member(frame)["address"] === "native:alice");
    assert.equal(member(promoted)["role"], "admin");
    // As a moderator she is shown the occupants' real JIDs (XEP-0045 7.2.3): the ban names Romeo's.
    await alice.ok({ type: "room.ban", room, member: `${room}%2FRomeo`, reason: "spam" }, 15_000);
    const banned = await romeo.waitForPresence(`${hall}/Romeo`, (presence) => presence.attrs["type"] === "unavailable");
    assert.ok(codesOf(banned).includes("301"), banned.toString());
    const left = await alice.waitForType("room.member", (frame) => frame["event"] === "left");
    assert.equal(member(left)["nick"], "Romeo");
    const { bans } = await alice.ok({ type: "room.bans", room }, 15_000);
    assert.deepEqual((bans as Record<string, unknown>[]).map((ban) => ban["address"]), ["xmpp://u.alice/romeo@localhost"]);
    const refused = await enter(romeo, "Romeo");
    assert.equal(refused.attrs["type"], "error", refused.toString());
  });

  it("lifts the ban: the person may join again, and the list is empty", async function () {
    await alice.ok({ type: "room.unban", room, member: "xmpp:romeo@localhost" }, 15_000);
    assert.deepEqual((await alice.ok({ type: "room.bans", room }, 15_000))["bans"], []);
    const back = await enter(romeo, "Romeo");
    assert.equal(back.attrs["type"], undefined, back.toString());
  });

  it("answers the lifting of a ban nobody has with GW_ERR_NOT_FOUND, and leaves that person's affiliation alone", async function () {
    const admin = (affiliation: string, jid?: string): Element => xml("query", { xmlns: `${MUC_NS}#admin` }, xml("item", { affiliation, ...(jid === undefined ? {} : { jid }) }));
    await juliet.iq(xml("iq", { type: "set", to: hall }, admin("member", "romeo@localhost")));
    const refused = await alice.request({ type: "room.unban", room, member: "xmpp:romeo@localhost" }, 15_000);
    assert.equal(refused["code"], "GW_ERR_NOT_FOUND", JSON.stringify(refused));
    const members = await juliet.iq(xml("iq", { type: "get", to: hall }, admin("member")));
    const jids = (members.getChild("query")?.getChildren("item") ?? []).map((item) => item.attrs["jid"]);
    assert.ok(jids.includes("romeo@localhost"), members.toString());
  });
});
