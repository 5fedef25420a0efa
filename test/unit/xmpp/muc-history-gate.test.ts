/**
 * Which lines of a MUC are the history it replays at a join (XEP-0045 7.2.15-7.2.16): delayed lines before the room's
 * subject; after the subject every line is live, a delay its sender's client wrote or not; a join again starts over.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { isReplayedHistory, isSubjectMessage, MucHistoryGate } from "../../../src/adapters/xmpp/muc-history-gate.js";

const MUC = "lounge@conference.example.org";
const delay = () => xml("delay", { xmlns: "urn:xmpp:delay", stamp: "2001-01-01T00:00:00Z" });
const line = (delayed: boolean) => xml("message", { from: `${MUC}/Juliet`, type: "groupchat" }, xml("body", {}, "hi"), ...(delayed ? [delay()] : []));
const subject = () => xml("message", { from: `${MUC}/Juliet`, type: "groupchat" }, xml("subject", {}, "Verona"), delay());

describe("MucHistoryGate", () => {
  it("takes delayed lines before the subject for history, and no line after it, until the MUC is joined again", () => {
    const gate = new MucHistoryGate();
    gate.joining(MUC);
    assert.equal(gate.history(MUC, line(true)), true);
    assert.equal(gate.history(MUC, line(false)), false);
    assert.equal(gate.history(MUC, subject()), false);
    assert.equal(gate.history(MUC.toUpperCase(), line(true)), false, "live after the subject, in any case of the JID");
    assert.equal(gate.history("other@conference.example.org", line(true)), true, "per MUC");
    gate.joining(MUC);
    assert.equal(gate.history(MUC, line(true)), true, "a join again replays history first");
    gate.history(MUC, subject());
    gate.left(MUC);
    assert.equal(gate.history(MUC, line(true)), true, "a MUC left is forgotten");
  });

  it("tells a subject message (a subject, no body) and a replayed line apart", () => {
    assert.equal(isSubjectMessage(subject()), true);
    assert.equal(isSubjectMessage(xml("message", {}, xml("subject", {}, "x"), xml("body", {}, "y"))), false);
    assert.equal(isReplayedHistory(line(true), false), true);
    assert.equal(isReplayedHistory(line(true), true), false);
    assert.equal(isReplayedHistory(line(false), false), false);
  });
});
