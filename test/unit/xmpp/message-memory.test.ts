/** The XMPP adapter's memory of senders' stanza ids, for their corrections (XEP-0308). */
import assert from "node:assert/strict";
import { parseAddress } from "../../../src/core/model/address.js";
import { CorrectionIds } from "../../../src/adapters/xmpp/message-memory.js";

const juliet = parseAddress("xmpp:juliet@example.org");
const romeo = parseAddress("xmpp:romeo@example.org");

describe("CorrectionIds", () => {
  it("gives a correction the gateway id of the line it names, once that line was accepted", async () => {
    const ids = new CorrectionIds();
    ids.begin(juliet, { id: "s1" }).done("g1");
    assert.equal(await ids.begin(juliet, { id: "s2", replaces: "s1" }).original, "g1");
    assert.equal(await ids.begin(romeo, { id: "s3", replaces: "s1" }).original, undefined, "another sender's id");
    assert.equal(await ids.begin(juliet, { id: "s4", replaces: "s1" }, "room #dev").original, undefined, "another conversation's");
  });

  it("knows a line by the origin-id its client gave it too (XEP-0359), as a reaction names it, and only as its sender's", async () => {
    const ids = new CorrectionIds();
    const line = ids.begin(juliet, { id: "s1", originId: "o1" });
    const early = ids.known(juliet, "o1");
    line.done("g1");
    assert.deepEqual([await early, await ids.known(juliet, "o1"), await ids.known(juliet, "s1"), await ids.known(romeo, "o1")], ["g1", "g1", "g1", undefined]);
  });

  it("makes a correction sent before its line was accepted wait for the line's gateway id", async () => {
    const ids = new CorrectionIds();
    const line = ids.begin(juliet, { id: "s1" });
    const correction = ids.begin(juliet, { id: "s2", replaces: "s1" });
    let settled = false;
    void correction.original.then(() => (settled = true));
    await Promise.resolve();
    assert.equal(settled, false, "still waiting for the line");
    line.done("g1");
    assert.equal(await correction.original, "g1");
    correction.done("g2");
    assert.equal(await ids.begin(juliet, { replaces: "s2" }).original, "g2", "a correction of the correction");
  });

  it("answers a correction of a line that was refused with none, and never makes a message wait for itself", async () => {
    const ids = new CorrectionIds();
    const refused = ids.begin(juliet, { id: "s1" });
    const correction = ids.begin(juliet, { id: "s2", replaces: "s1" });
    refused.done(undefined);
    assert.equal(await correction.original, undefined);
    assert.equal(await ids.begin(juliet, { id: "s5", replaces: "s5" }).original, undefined);
  });
});
