import assert from "node:assert/strict";
import { parse, type Element } from "ltx";
import { createLogger } from "../../../src/core/logger.js";
import { featuresOf, MucFeatures, UNTRUSTED } from "../../../src/adapters/xmpp/muc-features.js";

const MUC = "lobby@conference.example.org";
const DISCO = "http://jabber.org/protocol/disco#info";

function info(...features: string[]): Element {
  return answerFrom(MUC, ...features);
}

function answerFrom(from: string, ...features: string[]): Element {
  return parse(`<iq type="result" from="${from}"><query xmlns="${DISCO}">${features.map((feature) => `<feature var="${feature}"/>`).join("")}</query></iq>`);
}

/** A line of `MUC` carrying an occupant id and a stanza-id by the room, as a client may write them. */
const line = parse(`<message from="${MUC}/Mallory" type="groupchat"><body>hi</body><occupant-id xmlns="urn:xmpp:occupant-id:0" id="alice-id"/><stanza-id xmlns="urn:xmpp:sid:0" by="${MUC}" id="s1"/></message>`);

describe("MucFeatures", () => {
  it("reads occupant ids, stanza ids and an archive from a disco#info answer, and nothing from none", () => {
    assert.deepEqual(featuresOf(info("urn:xmpp:occupant-id:0", "urn:xmpp:sid:0", "urn:xmpp:mam:2")), { occupantIds: true, stanzaIds: true, archive: true });
    assert.deepEqual(featuresOf(info("urn:xmpp:mam:2", "http://jabber.org/protocol/muc")), { occupantIds: false, stanzaIds: false, archive: true });
    assert.deepEqual(featuresOf(undefined), UNTRUSTED);
  });

  it("trusts a line's occupant id and stanza-id only once the room's answer at this join announced them", async () => {
    let answer: (element: Element) => void = () => undefined;
    const features = new MucFeatures(createLogger("silent"), () => new Promise((resolve) => (answer = resolve)));
    assert.deepEqual([features.occupantIdOf(line, MUC), features.stanzaIdOf(line, MUC)], [undefined, undefined], "no join asked yet");
    features.joined(MUC);
    assert.deepEqual([features.occupantIdOf(line, MUC), features.stanzaIdOf(line, MUC)], [undefined, undefined], "lines before the answer");
    answer(info("urn:xmpp:occupant-id:0"));
    await features.answer(MUC);
    assert.deepEqual([features.occupantIdOf(line, MUC.toUpperCase()), features.stanzaIdOf(line, MUC)], ["alice-id", undefined], "occupant ids announced, stanza ids not");
    features.forget(MUC);
    assert.equal(features.occupantIdOf(line, MUC), undefined, "out of the room");
  });

  it("trusts nothing of an answer that does not come from the room", async () => {
    for (const from of ["mallory@example.org/x", `${MUC}/Mallory`, "example.org"]) {
      const features = new MucFeatures(createLogger("silent"), () => Promise.resolve(answerFrom(from, "urn:xmpp:occupant-id:0", "urn:xmpp:sid:0")));
      features.joined(MUC);
      assert.deepEqual(await features.answer(MUC), UNTRUSTED, from);
      assert.equal(features.occupantIdOf(line, MUC), undefined, from);
    }
    const features = new MucFeatures(createLogger("silent"), () => Promise.resolve(answerFrom(MUC.toUpperCase(), "urn:xmpp:sid:0")));
    features.joined(MUC);
    assert.equal(features.stanzaIdOf(line, MUC), undefined);
    await features.answer(MUC);
    assert.equal(features.stanzaIdOf(line, MUC), "s1", "the room, in any case");
  });

  it("trusts nothing of a room whose disco#info fails", async () => {
    const features = new MucFeatures(createLogger("silent"), () => Promise.reject(new Error("item-not-found")));
    features.joined(MUC);
    assert.deepEqual(await features.answer(MUC), UNTRUSTED);
    assert.equal(features.stanzaIdOf(line, MUC), undefined);
  });
});
