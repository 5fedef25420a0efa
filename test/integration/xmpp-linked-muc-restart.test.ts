/**
 * The MUCs joined through a linked XMPP account come back after a daemon restart (BitlBee's autojoin), against a real
 * Prosody and the real daemon: native alice joins talk@ and the password room locked@ through alicex@localhost; after
 * a restart her account is in both again (locked@ with its stored password), her session is told so and lines go both
 * ways. A room that bans her while the daemon is down refuses her back: she is told, and it is not tried again. A room
 * she left is not joined after the next restart, and an unlink removes what was kept. The account reaches Prosody
 * through a gate that stays closed across each restart, so that her session is logged in before the account joins.
 * The tests run in order and build on each other.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { xml } from "@xmpp/client";
import Database from "better-sqlite3";
import type { Element } from "ltx";
import type { Daemon } from "../helpers/daemon.js";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { TcpGate } from "../helpers/tcp-gate.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC_NS = "http://jabber.org/protocol/muc";
const MUC_PASSWORD = "open-sesame";

describe("group chats through a linked XMPP account across daemon restarts, against Prosody", function () {
  let gate: TcpGate;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let alice: NativeClient;
  let talk: string;
  let locked: string;
  let strict: string;
  const at = (muc: string): string => `xmpp://u.alice/${muc}`;

  const selfPresence = (presence: Element): boolean => (presence.getChildren("x").flatMap((x) => x.getChildren("status")) ?? []).some((status) => status.attrs["code"] === "110");
  const available = (presence: Element): boolean => presence.attrs["type"] === undefined;

  async function enter(muc: string): Promise<void> {
    await juliet.send(xml("presence", { to: `${muc}/Juliet` }, xml("x", { xmlns: MUC_NS })));
    await juliet.waitForPresence(`${muc}/Juliet`, selfPresence);
  }

  function member(frame: Frame): Record<string, unknown> {
    return frame["member"] as Record<string, unknown>;
  }

  /** Stops the daemon with the account's way to Prosody cut, starts it again, logs alice in, then lets the account through. */
  async function restart(whileDown: () => Promise<void> = async () => undefined): Promise<void> {
    await alice.close();
    gate.close();
    await daemon.stop();
    await whileDown();
    await daemon.start();
    alice = await suite.native("alice");
    gate.reopen();
  }

  const suite = useLinkedAccount({
    users: ["juliet"],
    gated: true,
    async beforeDaemon() {
      [talk, locked, strict] = ["talk", "locked", "strict"].map((name) => `${name}@${suite.prosody().mucDomain}`) as [string, string, string];
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      for (const muc of [talk, locked, strict]) await enter(muc);
      // locked@ has a password (XEP-0045 10.2), set by juliet, its owner.
      const field = (name: string, value: string): Element => xml("field", { var: name }, xml("value", {}, value));
      const form = xml("x", { xmlns: "jabber:x:data", type: "submit" }, field("FORM_TYPE", `${MUC_NS}#roomconfig`), field("muc#roomconfig_passwordprotectedroom", "1"), field("muc#roomconfig_roomsecret", MUC_PASSWORD));
      await juliet.iq(xml("iq", { type: "set", to: locked }, xml("query", { xmlns: `${MUC_NS}#owner` }, form)));
    },
  });

  before(function () {
    [gate, daemon, alice] = [suite.gate(), suite.daemon(), suite.alice()];
  });

  it("joins her rooms again after a restart, a password room with its stored password, and tells her session", async function () {
    await alice.ok({ type: "room.join", room: at(talk) }, 15_000);
    await alice.ok({ type: "room.join", room: at(locked), key: MUC_PASSWORD }, 15_000);
    await alice.ok({ type: "room.join", room: at(strict), nick: "Alice" }, 15_000);
    await restart(async () => {
      // While the daemon is down, juliet bans alice's account from strict@ (XEP-0045 9.1).
      await juliet.waitForPresence(`${strict}/Alice`, (presence) => presence.attrs["type"] === "unavailable");
      const ban = xml("item", { affiliation: "outcast", jid: "alicex@localhost" }, xml("reason", {}, "no more"));
      await juliet.iq(xml("iq", { type: "set", to: strict }, xml("query", { xmlns: `${MUC_NS}#admin` }, ban)));
    });
    for (const muc of [talk, locked]) await juliet.waitForPresence(`${muc}/alice`, available, 30_000);
    for (const muc of [talk, locked]) {
      const joined = await alice.waitForType("room.member", (frame) => frame["room"] === at(muc) && member(frame)["address"] === "native:alice", 15_000);
      assert.deepEqual([joined["event"], member(joined)["nick"]], ["joined", "alice"]);
    }
    const occupant = await alice.waitForType("room.member", (frame) => frame["room"] === at(talk) && member(frame)["nick"] === "Juliet");
    assert.equal(occupant["event"], "joined");
    const members = await alice.ok({ type: "room.members", room: at(locked) });
    assert.deepEqual(members["bridged_people"], [{ address: `${at(locked)}%2FJuliet`, nick: "Juliet", role: "owner" }]);
    const listed = ((await alice.ok({ type: "room.list" }))["rooms"] as Record<string, unknown>[]).map((room) => room["address"]);
    assert.deepEqual(listed, [at(locked), at(talk)]);
  });

  it("carries lines both ways in a room joined again after the restart", async function () {
    await juliet.sendMessage(talk, "Back so soon?", "groupchat");
    const heard = (await alice.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([heard["from"], heard["to"], heard["body"]], [`${at(talk)}%2FJuliet`, at(talk), "Back so soon?"]);
    await alice.ok({ type: "room.send", room: at(talk), body: "Never gone" });
    await juliet.waitForMessage(`${talk}/alice`, (message) => message.getChildText("body") === "Never gone");
  });

  it("tells her of a room that refused her back, with the refusal, and forgets it", async function () {
    const refused = await alice.waitForType("room.member", (frame) => frame["room"] === at(strict));
    assert.deepEqual([refused["event"], member(refused)["address"], member(refused)["nick"]], ["left", "native:alice", "Alice"]);
    assert.equal((refused["refused"] as Record<string, unknown>)["code"], "GW_ERR_FORBIDDEN", JSON.stringify(refused));
    const gone = await alice.request({ type: "room.members", room: at(strict) });
    assert.equal(gone["code"], "GW_ERR_NOT_MEMBER");
  });

  it("does not join a room she left, nor one that refused her, after the next restart", async function () {
    await alice.ok({ type: "room.leave", room: at(locked) });
    await juliet.waitForPresence(`${locked}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    const logged = daemon.log.length;
    await restart();
    await juliet.waitForPresence(`${talk}/alice`, available, 30_000);
    await alice.waitForType("room.member", (frame) => frame["room"] === at(talk) && member(frame)["address"] === "native:alice", 15_000);
    // The joins again go out together at the login: talk@ answered, so locked@ and strict@ would have been asked by now.
    const listed = ((await alice.ok({ type: "room.list" }))["rooms"] as Record<string, unknown>[]).map((room) => room["address"]);
    assert.deepEqual(listed, [at(talk)]);
    assert.doesNotMatch(daemon.log.slice(logged), /refused to take the linked account back/);
    assert.equal((await alice.request({ type: "room.members", room: at(locked) }))["code"], "GW_ERR_NOT_MEMBER");
  });

  it("removes the rooms kept for her account when she unlinks it", async function () {
    await alice.ok({ type: "xmpp.unlink" }, 15_000);
    await alice.close();
    await daemon.stop();
    const db = new Database(join(daemon.dir, "switchboard.db"), { readonly: true });
    try {
      assert.equal(db.prepare("SELECT count(*) FROM own_rooms").pluck().get(), 0);
    } finally {
      db.close();
    }
  });
});
