import assert from "node:assert/strict";
import { parse } from "ltx";
import { isOwnRosterPush, NS_ROSTER, parseRosterQuery, rosterSet } from "../../../src/adapters/xmpp/roster.js";
import { stanzaFixture } from "./stanza-fixtures.js";

describe("roster items (RFC 6121 section 2)", () => {
  describe("parseRosterQuery", () => {
    it("reads each item's bare JID folded to lower case, name, subscription, pending request and groups", () => {
      const query = stanzaFixture("iq-roster-result").getChild("query", NS_ROSTER);
      assert.ok(query);
      const { items } = parseRosterQuery(query);
      assert.deepEqual(items, [
        { jid: "juliet@capulet.example", name: "Juliet", subscription: "both", ask: false, groups: ["Friends"] },
        { jid: "nurse@capulet.example", subscription: "none", ask: true, groups: [] },
        { jid: "romeo@montague.example", subscription: "from", ask: false, groups: [] },
        { jid: "tybalt@capulet.example", subscription: "none", ask: false, groups: [] },
        { jid: "mercutio@verona.example", subscription: "none", ask: false, groups: [] },
      ]);
    });

    it("skips, and reports, items without a JID, with a malformed one, or naming a server", () => {
      const query = stanzaFixture("iq-roster-result").getChild("query", NS_ROSTER);
      assert.ok(query);
      const { skipped } = parseRosterQuery(query);
      assert.equal(skipped.length, 3);
      assert.match(skipped[0] ?? "", /^capulet\.example: /);
      assert.match(skipped[1] ?? "", /^bad jid@capulet\.example: /);
      assert.equal(skipped[2], "an item without a jid");
    });

    it("reads a roster push's removal, and drops a resource", () => {
      const push = parse(`<query xmlns="${NS_ROSTER}"><item jid="nurse@capulet.example/phone" subscription="remove"/></query>`);
      assert.deepEqual(parseRosterQuery(push).items, [{ jid: "nurse@capulet.example", subscription: "remove", ask: false, groups: [] }]);
    });
  });

  describe("rosterSet", () => {
    it("writes the whole item back: the name given, and the groups it had (section 2.3.2 replaces the item)", () => {
      const set = rosterSet("juliet@capulet.example", { name: "Juliet\u0000 C.", groups: ["Friends", "Verona"] });
      assert.equal(set.toString(), `<iq type="set"><query xmlns="${NS_ROSTER}"><item jid="juliet@capulet.example" name="Juliet C."><group>Friends</group><group>Verona</group></item></query></iq>`);
    });

    it("writes no name when there is none, and removes with subscription='remove' (section 2.5)", () => {
      assert.equal(rosterSet("tybalt@capulet.example", { name: undefined, groups: [] }).toString(), `<iq type="set"><query xmlns="${NS_ROSTER}"><item jid="tybalt@capulet.example"/></query></iq>`);
      assert.equal(rosterSet("tybalt@capulet.example", "remove").toString(), `<iq type="set"><query xmlns="${NS_ROSTER}"><item jid="tybalt@capulet.example" subscription="remove"/></query></iq>`);
    });
  });

  describe("isOwnRosterPush", () => {
    it("accepts a push without 'from' or from the account's own bare JID, in any case", () => {
      assert.equal(isOwnRosterPush(undefined, "alicex@localhost"), true);
      assert.equal(isOwnRosterPush("alicex@localhost", "alicex@localhost"), true);
      assert.equal(isOwnRosterPush("AliceX@LocalHost", "alicex@localhost"), true);
    });

    it("refuses a push from anyone else, a full JID or the server (section 2.1.6)", () => {
      assert.equal(isOwnRosterPush("mallory@localhost", "alicex@localhost"), false);
      assert.equal(isOwnRosterPush("alicex@localhost/phone", "alicex@localhost"), false);
      assert.equal(isOwnRosterPush("localhost", "alicex@localhost"), false);
      assert.equal(isOwnRosterPush("not a jid", "alicex@localhost"), false);
    });
  });
});
