import assert from "node:assert/strict";
import { receivesPresence, sendsPresence, withDirection, type Subscription } from "../../../src/core/model/contact.js";

const SUBSCRIPTIONS: readonly Subscription[] = ["none", "to", "from", "both"];

describe("receivesPresence and sendsPresence", () => {
  const table: readonly [Subscription, boolean, boolean][] = [
    ["none", false, false],
    ["to", true, false],
    ["from", false, true],
    ["both", true, true],
  ];
  for (const [subscription, receives, sends] of table) {
    it(`says that "${subscription}" ${receives ? "receives" : "does not receive"} and ${sends ? "sends" : "does not send"} presence`, () => {
      assert.equal(receivesPresence(subscription), receives);
      assert.equal(sendsPresence(subscription), sends);
    });
  }
});

describe("withDirection", () => {
  // [current, direction, on, expected]: every row of the table, 4 subscriptions x 2 directions x on/off.
  const table: readonly [Subscription, "to" | "from", boolean, Subscription][] = [
    ["none", "to", true, "to"],
    ["none", "to", false, "none"],
    ["none", "from", true, "from"],
    ["none", "from", false, "none"],
    ["to", "to", true, "to"],
    ["to", "to", false, "none"],
    ["to", "from", true, "both"],
    ["to", "from", false, "to"],
    ["from", "to", true, "both"],
    ["from", "to", false, "from"],
    ["from", "from", true, "from"],
    ["from", "from", false, "none"],
    ["both", "to", true, "both"],
    ["both", "to", false, "from"],
    ["both", "from", true, "both"],
    ["both", "from", false, "to"],
  ];
  for (const [current, direction, on, expected] of table) {
    it(`turns "${current}" into "${expected}" when ${on ? "adding" : "removing"} "${direction}"`, () => {
      assert.equal(withDirection(current, direction, on), expected);
    });
  }

  it("covers every combination of subscription, direction and switch", () => {
    assert.equal(table.length, SUBSCRIPTIONS.length * 2 * 2);
    assert.equal(new Set(table.map(([current, direction, on]) => `${current} ${direction} ${String(on)}`)).size, table.length);
  });

  it("changes only the direction it is given", () => {
    for (const current of SUBSCRIPTIONS) {
      for (const on of [true, false]) {
        const changedTo = withDirection(current, "to", on);
        assert.equal(receivesPresence(changedTo), on);
        assert.equal(sendsPresence(changedTo), sendsPresence(current));
        const changedFrom = withDirection(current, "from", on);
        assert.equal(sendsPresence(changedFrom), on);
        assert.equal(receivesPresence(changedFrom), receivesPresence(current));
      }
    }
  });
});
