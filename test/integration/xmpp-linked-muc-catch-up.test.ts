/**
 * What a MUC said while alice's linked account was out of it reaches her once she is back in, from the room's archive
 * (XEP-0313 on the room, Prosody's mod_muc_mam), against a real Prosody and the real daemon: after her account's
 * connection was cut and after a daemon restart, her session gets exactly the lines juliet said meanwhile, once, in
 * order, and none she saw live again, each at the time the archive gives it (`sent_at`). The account reaches Prosody
 * through a gate. XEP-0444 reactions made meanwhile reach her so too. The tests run in order and build on each other.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { Daemon } from "../helpers/daemon.js";
import { useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { NativeClient } from "../helpers/native-client.js";
import type { TcpGate } from "../helpers/tcp-gate.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";
import { SENT_AT_TOLERANCE_MS } from "../../src/core/model/sent-at.js";

const MUC_NS = "http://jabber.org/protocol/muc";

describe("group chats through a linked XMPP account: what the room said meanwhile, from its archive, against Prosody", function () {
  let gate: TcpGate;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let alice: NativeClient;
  let talk: string;
  let room: string;

  const selfPresence = (presence: Element): boolean => (presence.getChild("x", `${MUC_NS}#user`)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");

  /** The room messages alice's session gets up to and with `last`, in order. */
  async function framesUntil(last: string): Promise<Record<string, unknown>[]> {
    const messages: Record<string, unknown>[] = [];
    for (;;) {
      const message = (await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["to"] === room, 30_000))["message"] as Record<string, unknown>;
      messages.push(message);
      if (message["body"] === last) return messages;
    }
  }

  async function linesUntil(last: string): Promise<unknown[]> {
    return (await framesUntil(last)).map((message) => message["body"]);
  }

  /**
   * The times the room's archive gives its lines, by body: juliet's own query of it (XEP-0313), each result's
   * forwarded delay.
   */
  async function archiveTimes(): Promise<Map<string, number>> {
    const queryid = `times-${randomBytes(4).toString("hex")}`;
    const from = juliet.transcript.length;
    await juliet.iq(xml("iq", { type: "set", to: talk }, xml("query", { xmlns: "urn:xmpp:mam:2", queryid })));
    const times = new Map<string, number>();
    for (const stanza of juliet.transcript.slice(from)) {
      const result = stanza.getChild("result", "urn:xmpp:mam:2");
      if (result?.attrs["queryid"] !== queryid) continue;
      const forwarded = result.getChild("forwarded", "urn:xmpp:forward:0");
      const body = forwarded?.getChild("message")?.getChildText("body");
      const stamp = forwarded?.getChild("delay", "urn:xmpp:delay")?.attrs["stamp"];
      if (body !== undefined && body !== null && typeof stamp === "string") times.set(body, Date.parse(stamp));
    }
    return times;
  }

  /**
   * Lets the clock pass the 2 seconds within which a stamp counts as live (core/model/sent-at.ts), so that lines said
   * now reach her late enough to keep their time: no event marks it, only time.
   */
  async function pastTolerance(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, SENT_AT_TOLERANCE_MS + 1_000));
  }

  async function say(...lines: string[]): Promise<void> {
    for (const line of lines) await juliet.sendMessage(talk, line, "groupchat");
  }

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
      await juliet.waitForPresence(`${talk}/Juliet`, selfPresence);
      await say("said before alice came");
    },
  });

  before(async function () {
    [gate, daemon, alice] = [suite.gate(), suite.daemon(), suite.alice()];
    await alice.ok({ type: "room.join", room }, 15_000);
  });

  it("gives her the lines said while her account's connection was down, once and in order, and nothing from before her join", async function () {
    await say("seen live");
    assert.deepEqual(await linesUntil("seen live"), ["seen live"]);
    gate.close();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    await daemon.waitForLog(/XMPP account connection lost/);
    await say("gap one", "gap two", "gap three");
    await pastTolerance();
    gate.reopen();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined, 30_000);
    await say("live again");
    const lines = await framesUntil("live again");
    assert.deepEqual(lines.map((message) => message["body"]), ["gap one", "gap two", "gap three", "live again"]);
    // When each was said, as the archive says: the lines of the gap carry it. The live one carries none, unless it
    // too came from the archive (said while the catch-up read it) and was given more than 2 s after it was said.
    const times = await archiveTimes();
    assert.deepEqual(
      lines.slice(0, 3).map((message) => message["sent_at"]),
      ["gap one", "gap two", "gap three"].map((body) => times.get(body)),
    );
    assert.ok([undefined, times.get("live again")].includes(lines[3]?.["sent_at"] as number | undefined), `live line's sent_at ${String(lines[3]?.["sent_at"])}`);
    assert.ok(lines.slice(0, 3).every((message) => (message["sent_at"] as number) < (message["timestamp"] as number)));
  });

  it("gives her the lines said while the daemon was stopped, once and in order", async function () {
    await alice.close();
    gate.close();
    await daemon.stop();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    await say("while down one", "while down two");
    await daemon.start();
    alice = await suite.native("alice");
    gate.reopen();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined, 30_000);
    await say("after the restart");
    assert.deepEqual(await linesUntil("after the restart"), ["while down one", "while down two", "after the restart"]);
  });

  it("shows her the reactions made while her account's connection was down, as live ones", async function () {
    await juliet.send(xml("message", { to: talk, type: "groupchat", id: juliet.id("line") }, xml("body", {}, "who brings the cake?")));
    const line = await juliet.waitForMessage(`${talk}/Juliet`, (stanza) => stanza.getChildText("body") === "who brings the cake?");
    const roomId = line.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === talk)?.attrs["id"] as string;
    const [shown] = await framesUntil("who brings the cake?");
    gate.close();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    await daemon.waitForLog(/XMPP account connection lost/);
    const reactions = xml("reactions", { xmlns: "urn:xmpp:reactions:0", id: roomId }, xml("reaction", {}, "🎂"));
    await juliet.send(xml("message", { to: talk, type: "groupchat", id: juliet.id("r") }, reactions, xml("store", { xmlns: "urn:xmpp:hints" })));
    await say("cake later");
    gate.reopen();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined, 30_000);
    // A reaction is checked against the log before it is passed on: it may reach her after the line said after it.
    const frames = await alice.collect("message", 2, 30_000);
    const seen = frames.map((frame) => frame["message"] as Record<string, unknown>).map((message) => [message["body"], message["reacts_to"] ?? null, message["reactions"] ?? null, message["sender_name"]]);
    assert.deepEqual(
      seen.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ["", shown?.["id"], ["🎂"], "Juliet"],
        ["cake later", null, null, "Juliet"],
      ],
    );
  });

  it("shows her a line retracted while her account's connection was down together with its retraction, both from the archive", async function () {
    this.timeout(60_000);
    await say("before the slip");
    await linesUntil("before the slip");
    gate.close();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    await daemon.waitForLog(/XMPP account connection lost/);
    await juliet.send(xml("message", { to: talk, type: "groupchat", id: juliet.id("slip") }, xml("body", {}, "the door code is 4711")));
    const slip = await juliet.waitForMessage(`${talk}/Juliet`, (stanza) => stanza.getChildText("body") === "the door code is 4711");
    const roomId = slip.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === talk)?.attrs["id"] as string;
    const retract = xml("retract", { xmlns: "urn:xmpp:message-retract:1", id: roomId });
    await juliet.send(xml("message", { to: talk, type: "groupchat", id: juliet.id("r") }, retract, xml("body", {}, "/me retracted a message"), xml("store", { xmlns: "urn:xmpp:hints" })));
    await say("after the slip");
    gate.reopen();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined, 30_000);
    const messages = await framesUntil("after the slip");
    // The retraction is checked against the log before it is passed on: it may reach her after the line said after it.
    if (!messages.some((message) => message["retracts"] !== undefined)) messages.push((await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["retracts"] !== undefined, 10_000))["message"] as Record<string, unknown>);
    const line = messages.find((message) => message["body"] === "the door code is 4711");
    assert.ok(line !== undefined, JSON.stringify(messages));
    const unsaid = messages.find((message) => message["retracts"] !== undefined);
    assert.deepEqual([unsaid?.["retracts"], unsaid?.["sender_name"]], [line["id"], "Juliet"], JSON.stringify(messages));
  });
});
