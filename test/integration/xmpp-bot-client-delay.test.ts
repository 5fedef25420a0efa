/**
 * A live MUC line whose sender's client wrote a XEP-0203 `<delay/>` into it, against a real Prosody: the bridge bot
 * relays it to the native room like any live line (the room's subject came since the bot's join, so it is no history
 * replayed at the join: muc-history-gate.ts), in its place among the MUC's lines, and without the time the delay
 * claims (a client's word, not the room's).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { messageOf, useBotMuc } from "../helpers/bot-muc-suite.js";

describe("a bridge bot's MUC line with a delay its sender's client wrote", function () {
  const suite = useBotMuc();

  it("is relayed to the native room as a live line, in its order, without the claimed time", async function () {
    const juliet = await suite.occupant("juliet", "Juliet");
    const delay = xml("delay", { xmlns: "urn:xmpp:delay", stamp: "2001-01-01T00:00:00Z" });
    await juliet.send(xml("message", { to: suite.muc, type: "groupchat", id: "backdated-1" }, xml("body", {}, "said just now"), delay));
    await juliet.sendMessage(suite.muc, "and after it", "groupchat");

    const relayed = messageOf(await suite.romeo.waitForType("message"));
    assert.deepEqual([relayed["sender_name"], relayed["body"], relayed["sent_at"]], ["Juliet", "said just now", undefined]);
    const next = messageOf(await suite.romeo.waitForType("message"));
    assert.deepEqual([next["sender_name"], next["body"]], ["Juliet", "and after it"]);
  });
});
