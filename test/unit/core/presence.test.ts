import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import type { Presence, Show } from "../../../src/core/model/presence.js";
import { aggregatePresence, availabilityRank } from "../../../src/core/presence.js";

const person = makeAddress("native", "default", "alice");
const laptop = makeAddress("xmpp", "work", "alice@example.org/laptop");
const phone = makeAddress("xmpp", "work", "alice@example.org/phone");
const ircNick = makeAddress("irc", "libera", "alice");

function presence(from: typeof laptop, show: Show, fields: Partial<Omit<Presence, "from" | "show">> = {}): Presence {
  return { from, show, status: "", priority: 0, since: 1000, ...fields };
}

/** Both orders of the input must give the same winner: the rule is not an accident of position. */
function aggregateBothWays(presences: Presence[], options: { by?: "availability" | "priority" } = {}): Presence {
  const forward = aggregatePresence(person, presences, options);
  const backward = aggregatePresence(person, [...presences].reverse(), options);
  assert.deepEqual(backward, forward, "the winner depends on the order of the input");
  return forward;
}

describe("aggregatePresence", () => {
  it("is offline, with empty status and priority 0, when there is no presence at all", () => {
    assert.deepEqual(aggregatePresence(person, []), { from: person, show: "offline", status: "", priority: 0, since: 0 });
  });

  it("lets any available presence beat offline, even a less available one with a lower priority", () => {
    const winner = aggregateBothWays([
      presence(laptop, "offline", { priority: 127, since: 9000 }),
      presence(phone, "xa", { priority: -128, since: 1 }),
    ]);
    assert.equal(winner.show, "xa");
  });

  it("lets any available presence beat offline when ordered by priority too", () => {
    const winner = aggregateBothWays(
      [presence(laptop, "offline", { priority: 127 }), presence(phone, "xa", { priority: -128 })],
      { by: "priority" },
    );
    assert.equal(winner.show, "xa");
  });

  it("ranks availability as chat > online > dnd > away > xa", () => {
    const order: Show[] = ["chat", "online", "dnd", "away", "xa"];
    for (let i = 0; i < order.length - 1; i += 1) {
      const better = order[i] as Show;
      for (const worse of order.slice(i + 1)) {
        const winner = aggregateBothWays([presence(laptop, worse, { priority: 5, since: 2000 }), presence(phone, better, { priority: 5, since: 1000 })]);
        assert.equal(winner.show, better, `${better} should beat ${worse}`);
      }
    }
  });

  it("ranks availability above priority by default", () => {
    const winner = aggregateBothWays([presence(laptop, "away", { priority: 100 }), presence(phone, "dnd", { priority: -5 })]);
    assert.equal(winner.show, "dnd");
  });

  it("breaks a tie in availability by the higher priority", () => {
    const winner = aggregateBothWays([
      presence(laptop, "away", { priority: 1, status: "laptop", since: 5000 }),
      presence(phone, "away", { priority: 2, status: "phone", since: 1000 }),
    ]);
    assert.equal(winner.status, "phone");
  });

  it("breaks a remaining tie by the most recently set presence", () => {
    const winner = aggregateBothWays([
      presence(laptop, "online", { status: "older", since: 1000 }),
      presence(phone, "online", { status: "newer", since: 2000 }),
    ]);
    assert.equal(winner.status, "newer");
  });

  it("puts priority before availability with by: priority, as RFC 6121 does between resources", () => {
    const winner = aggregateBothWays(
      [presence(laptop, "chat", { priority: 0, status: "chatty" }), presence(phone, "xa", { priority: 10, status: "far away" })],
      { by: "priority" },
    );
    assert.deepEqual({ show: winner.show, status: winner.status }, { show: "xa", status: "far away" });
  });

  it("breaks a tie in priority by availability with by: priority", () => {
    const winner = aggregateBothWays(
      [presence(laptop, "away", { priority: 3, since: 9000 }), presence(phone, "dnd", { priority: 3, since: 1000 })],
      { by: "priority" },
    );
    assert.equal(winner.show, "dnd");
  });

  it("breaks a tie in priority and availability by the newest with by: priority", () => {
    const winner = aggregateBothWays(
      [presence(laptop, "dnd", { priority: 3, status: "old", since: 1000 }), presence(phone, "dnd", { priority: 3, status: "new", since: 1001 })],
      { by: "priority" },
    );
    assert.equal(winner.status, "new");
  });

  it("keeps the winner's show, status text, priority and since", () => {
    const winner = aggregateBothWays([
      presence(laptop, "dnd", { status: "in a meeting", priority: 7, since: 4242 }),
      presence(ircNick, "away", { status: "lunch", priority: 9, since: 5000 }),
    ]);
    assert.deepEqual(winner, { from: person, show: "dnd", status: "in a meeting", priority: 7, since: 4242 });
  });

  it("re-addresses the winner to the person, whichever account or resource it came from", () => {
    assert.deepEqual(aggregatePresence(person, [presence(ircNick, "online")]).from, person);
    assert.deepEqual(aggregatePresence(person, [presence(laptop, "offline")]).from, person);
  });

  it("is offline when every presence is offline, keeping the text of the best of them", () => {
    const winner = aggregateBothWays([
      presence(laptop, "offline", { status: "gone home", priority: 1 }),
      presence(phone, "offline", { status: "battery", priority: 0 }),
    ]);
    assert.deepEqual({ show: winner.show, status: winner.status }, { show: "offline", status: "gone home" });
  });

  it("does not change the presences it was given", () => {
    const input = [presence(laptop, "online")];
    const copy = structuredClone(input);
    aggregatePresence(person, input);
    assert.deepEqual(input, copy);
  });
});

describe("availabilityRank", () => {
  it("orders chat, online, dnd, away, xa, offline from most to least available", () => {
    const shows: Show[] = ["chat", "online", "dnd", "away", "xa", "offline"];
    const ranks = shows.map(availabilityRank);
    assert.deepEqual([...ranks].sort((a, b) => b - a), ranks);
    assert.equal(new Set(ranks).size, shows.length);
  });
});
