/**
 * XEP-0461 replies in a MUC joined through a linked XMPP account, to lines said there before the daemon restarted,
 * against a real Prosody whose MUCs give stanza-ids (mod_muc_mam): the rooms' ids of lines are kept in the store
 * (muc_line_ids), so alice's native reply to juliet's line of before names it by the room's stanza-id and juliet's
 * nick, and juliet's reply to alice's line of before reaches alice as a reply to it. The account reaches Prosody
 * through a gate that stays closed across the restart, so that her session is logged in before the account joins.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { Daemon } from "../helpers/daemon.js";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { TcpGate } from "../helpers/tcp-gate.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC_NS = "http://jabber.org/protocol/muc";
const REPLY = "urn:xmpp:reply:0";

const messageOf = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

describe("replies in a MUC joined through a linked XMPP account to lines from before a restart, against Prosody", function () {
  let gate: TcpGate;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let alice: NativeClient;
  let talk: string;
  let room: string;

  const roomIdOf = (stanza: Element): string => {
    const id = stanza.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === talk)?.attrs["id"];
    assert.ok(typeof id === "string", stanza.toString());
    return id;
  };

  const suite = useLinkedAccount({
    users: ["juliet"],
    mucArchive: true,
    gated: true,
    async beforeDaemon() {
      talk = `talk@${suite.prosody().mucDomain}`;
      room = `xmpp://u.alice/${talk}`;
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      await juliet.send(xml("presence", { to: `${talk}/Juliet` }, xml("x", { xmlns: MUC_NS })));
      await juliet.waitForPresence(`${talk}/Juliet`);
    },
  });

  before(async function () {
    [gate, daemon, alice] = [suite.gate(), suite.daemon(), suite.alice()];
    await alice.ok({ type: "room.join", room }, 15_000);
  });

  it("names lines of before the restart by the room's stanza-id both ways", async function () {
    this.timeout(60_000);
    await juliet.send(xml("message", { to: talk, type: "groupchat", id: "j-lamps" }, xml("body", {}, "the lamps are lit")));
    const julietsLine = await juliet.waitForMessage(`${talk}/Juliet`, (stanza) => stanza.getChildText("body") === "the lamps are lit");
    const shown = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "the lamps are lit"));
    const sent = await alice.ok({ type: "room.send", room, body: "I see them" });
    const alicesLine = await juliet.waitForMessage(`${talk}/alice`, (stanza) => stanza.getChildText("body") === "I see them");
    // The room sends the account the reflection of her line before juliet's next one: once alice has that, the gateway
    // has the room's id of her line (juliet seeing it says nothing of when the account's own copy arrives).
    await juliet.send(xml("message", { to: talk, type: "groupchat", id: "j-after" }, xml("body", {}, "after yours")));
    await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "after yours");

    await alice.close();
    gate.close();
    await daemon.stop();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    await daemon.start();
    alice = await suite.native("alice");
    gate.reopen();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined, 30_000);
    await alice.waitForType("room.member", (frame) => frame["room"] === room && (frame["member"] as Record<string, unknown>)["address"] === "native:alice", 15_000);

    await alice.ok({ type: "room.send", room, body: "all of them", reply_to: String(shown["id"]) });
    const reply = await juliet.waitForMessage(`${talk}/alice`, (stanza) => String(stanza.getChildText("body")).endsWith("all of them"));
    assert.deepEqual(reply.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: `${talk}/Juliet`, id: roomIdOf(julietsLine) }, reply.toString());

    await juliet.send(xml("message", { to: talk, type: "groupchat", id: "j-road" }, xml("body", {}, "from the road?"), xml("reply", { xmlns: REPLY, to: `${talk}/alice`, id: roomIdOf(alicesLine) })));
    const answered = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "from the road?", 10_000));
    assert.equal((answered["reply_to"] as Record<string, unknown> | undefined)?.["id"], sent["message_id"], JSON.stringify(answered));
  });
});
