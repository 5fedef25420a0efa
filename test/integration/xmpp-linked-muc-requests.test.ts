/**
 * What alice asks of a MUC she is in through her linked XMPP account, against a real Prosody and the real daemon:
 * the subject (refused while she is a participant, set once juliet, the room's owner, makes her a moderator), a kick
 * as a moderator, a mediated invitation, nick changes (room.nick, and room.join again with another nick) kept for
 * the next start, her staying in the room while her sessions are all offline, and the room's JID still refused as a
 * chat's recipient once she left it. The tests run in order
 * and build on each other.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { Daemon } from "../helpers/daemon.js";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC_NS = "http://jabber.org/protocol/muc";

describe("a linked XMPP account's MUC: subject, nick, invitations and kicks, against Prosody", function () {
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let romeo: XmppTestClient;
  let alice: NativeClient;
  let talk: string;
  let room: string;

  const codesOf = (presence: Element): string[] => (presence.getChild("x", `${MUC_NS}#user`)?.getChildren("status") ?? []).map((status) => String(status.attrs["code"]));
  const available = (presence: Element): boolean => presence.attrs["type"] === undefined;

  async function enter(client: XmppTestClient, nick: string): Promise<void> {
    await client.send(xml("presence", { to: `${talk}/${nick}` }, xml("x", { xmlns: MUC_NS })));
    await client.waitForPresence(`${talk}/${nick}`, (presence) => codesOf(presence).includes("110"));
  }

  function member(frame: Frame): Record<string, unknown> {
    return frame["member"] as Record<string, unknown>;
  }

  const suite = useLinkedAccount({
    users: ["juliet", "romeo"],
    async beforeDaemon() {
      talk = `talk@${suite.prosody().mucDomain}`;
      room = `xmpp://u.alice/${talk}`;
      juliet = await suite.xmpp("juliet");
      romeo = await suite.xmpp("romeo");
      await juliet.sendPresence();
      await romeo.sendPresence();
      await enter(juliet, "Juliet");
      await enter(romeo, "Romeo");
    },
  });

  before(async function () {
    [daemon, alice] = [suite.daemon(), suite.alice()];
    await alice.ok({ type: "room.join", room }, 15_000);
  });

  it("answers a subject change the MUC does not let her make with GW_ERR_FORBIDDEN", async function () {
    const refused = await alice.request({ type: "room.subject", room, subject: "mine now" }, 15_000);
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN", JSON.stringify(refused));
  });

  it("shows her role given by the room, and sets the subject as a moderator, answered once the MUC shows it", async function () {
    await juliet.iq(xml("iq", { type: "set", to: talk }, xml("query", { xmlns: `${MUC_NS}#admin` }, xml("item", { nick: "alice", role: "moderator" }))));
    const promoted = await alice.waitForType("room.member", (frame) => member(frame)["address"] === "native:alice");
    assert.deepEqual([promoted["event"], member(promoted)["role"]], ["role", "moderator"]);
    await alice.ok({ type: "room.subject", room, subject: "Balcony at nine" }, 15_000);
    const subject = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${talk}/alice` && stanza.getChild("subject") !== undefined);
    assert.equal(subject.getChildText("subject"), "Balcony at nine");
    assert.equal(((await alice.ok({ type: "room.members", room }))["room"] as Record<string, unknown>)["subject"], "Balcony at nine");
  });

  it("kicks an occupant as a moderator, and answers the MUC's refusal to kick its owner with GW_ERR_FORBIDDEN", async function () {
    await alice.ok({ type: "room.kick", room, member: `${room}%2FRomeo`, reason: "enough" }, 15_000);
    const kicked = await romeo.waitForPresence(`${talk}/Romeo`, (presence) => presence.attrs["type"] === "unavailable");
    assert.ok(codesOf(kicked).includes("307"), kicked.toString());
    const left = await alice.waitForType("room.member", (frame) => frame["event"] === "left");
    assert.equal(member(left)["nick"], "Romeo");
    const refused = await alice.request({ type: "room.kick", room, member: `${room}%2FJuliet` }, 15_000);
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN", JSON.stringify(refused));
  });

  it("invites someone with a mediated invitation from her account", async function () {
    await alice.ok({ type: "room.invite", room, to: "xmpp://u.alice/romeo@localhost", reason: "come back" });
    const invitation = await romeo.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === talk && stanza.getChild("x", `${MUC_NS}#user`)?.getChild("invite") !== undefined);
    const invite = invitation.getChild("x", `${MUC_NS}#user`)?.getChild("invite");
    // From her: Prosody names her by her occupant JID in a semi-anonymous room (her real JID elsewhere).
    assert.match(String(invite?.attrs["from"]), new RegExp(`^(alicex@localhost|${talk}/alice)`));
    assert.equal(invite?.getChildText("reason"), "come back");
  });

  it("takes another nick with room.nick, answered once the MUC shows her under it", async function () {
    const answer = await alice.ok({ type: "room.nick", room, nick: "Alicia" }, 15_000);
    assert.deepEqual(answer["member"], { address: "native:alice", nick: "Alicia", role: "moderator" });
    const change = await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    assert.ok(codesOf(change).includes("303"), change.toString());
    await juliet.waitForPresence(`${talk}/Alicia`, available);
    const renamed = await alice.waitForType("room.member", (frame) => frame["event"] === "renamed");
    assert.deepEqual([member(renamed)["nick"], (renamed["previous"] as Record<string, unknown>)["nick"]], ["Alicia", "alice"]);
    const members = await alice.ok({ type: "room.members", room });
    assert.deepEqual(members["members"], [{ address: "native:alice", nick: "Alicia", role: "moderator" }]);
    await alice.ok({ type: "room.send", room, body: "call me Alicia" });
    await juliet.waitForMessage(`${talk}/Alicia`, (message) => message.getChildText("body") === "call me Alicia");
  });

  it("answers a nick someone in the room has with GW_ERR_NICK_IN_USE, and keeps hers", async function () {
    const refused = await alice.request({ type: "room.nick", room, nick: "Juliet" }, 15_000);
    assert.equal(refused["code"], "GW_ERR_NICK_IN_USE", JSON.stringify(refused));
    const members = await alice.ok({ type: "room.members", room });
    assert.equal((members["members"] as Record<string, unknown>[])[0]?.["nick"], "Alicia");
  });

  it("changes her nick on room.join again with another nick", async function () {
    const answer = await alice.ok({ type: "room.join", room, nick: "Ally" }, 15_000);
    assert.deepEqual(answer["members"], [{ address: "native:alice", nick: "Ally", role: "moderator" }]);
    const change = await juliet.waitForPresence(`${talk}/Alicia`, (presence) => presence.attrs["type"] === "unavailable");
    assert.ok(codesOf(change).includes("303"), change.toString());
    await juliet.waitForPresence(`${talk}/Ally`, available);
  });

  it("keeps her in the room when her sessions all go offline: the room drops her with her account's presence, she joins again", async function () {
    await alice.close();
    await juliet.waitForPresence(`${talk}/Ally`, (presence) => presence.attrs["type"] === "unavailable");
    await juliet.waitForPresence(`${talk}/Ally`, available);
    alice = await suite.native("alice");
    const members = await alice.ok({ type: "room.members", room });
    assert.deepEqual(members["members"], [{ address: "native:alice", nick: "Ally", role: "member" }]);
  });

  it("keeps her new nick for the next start, and joins under it then", async function () {
    await alice.close();
    await juliet.waitForPresence(`${talk}/Ally`, (presence) => presence.attrs["type"] === "unavailable");
    await juliet.waitForPresence(`${talk}/Ally`, available);
    await daemon.stop();
    const db = new Database(join(daemon.dir, "switchboard.db"), { readonly: true });
    try {
      assert.deepEqual(db.prepare("SELECT nick FROM own_rooms").pluck().all(), ["Ally"]);
    } finally {
      db.close();
    }
    await juliet.waitForPresence(`${talk}/Ally`, (presence) => presence.attrs["type"] === "unavailable");
    await daemon.start();
    alice = await suite.native("alice");
    await juliet.waitForPresence(`${talk}/Ally`, available, 30_000);
  });

  it("still refuses a chat to the room's JID once she left it", async function () {
    await alice.ok({ type: "room.leave", room });
    await juliet.waitForPresence(`${talk}/Ally`, (presence) => presence.attrs["type"] === "unavailable");
    const chat = await alice.request({ type: "message.send", to: room, body: "hello room?" });
    assert.equal(chat["code"], "GW_ERR_BAD_ADDRESS", JSON.stringify(chat));
  });
});
