import assert from "node:assert/strict";
import { ContactWatch } from "../../../src/adapters/irc/contact-watch.js";
import { serializeLine } from "../../../src/adapters/irc/line-safety.js";
import type { IrcUserState } from "../../../src/adapters/irc/presence-map.js";
import { FakeClock, FakeIrcConnection } from "./fake-irc-connection.js";

const POLL_MS = 60_000;

describe("IRC contact watch (MONITOR, ISON and WHO)", () => {
  let clock: FakeClock;
  let reports: [string, IrcUserState][];
  let watch: ContactWatch;

  beforeEach(() => {
    clock = new FakeClock();
    clock.install();
    reports = [];
    watch = new ContactWatch(POLL_MS, (nick, state) => reports.push([nick, state]));
  });

  afterEach(() => {
    watch.detach();
    clock.uninstall();
  });

  /** A connection of a server that offers MONITOR (with its limit) or not (undefined). */
  function connection(monitor: number | undefined): FakeIrcConnection {
    const fake = new FakeIrcConnection("gw");
    if (monitor !== undefined) fake.server.monitor = monitor;
    return fake;
  }

  const nicks = Array.from({ length: 25 }, (_, i) => `Nick${i}`);

  describe("attach()", () => {
    it("with MONITOR, sends MONITOR + for the watched nicks as written, in batches of 20, and never ISON", async () => {
      for (const nick of nicks) watch.watch(nick);
      const fake = connection(100);
      watch.attach(fake);
      assert.deepEqual(fake.sent, [
        { command: "MONITOR", params: ["+", nicks.slice(0, 20).join(",")] },
        { command: "MONITOR", params: ["+", nicks.slice(20).join(",")] },
      ]);
      assert.deepEqual(watch.isonBatches, []);

      await clock.advance(3 * POLL_MS);
      assert.equal(fake.sent.length, 2, "nothing to poll: nobody is known online");
    });

    it("with MONITOR, refreshes the away flag of online contacts with WHO at each poll", async () => {
      watch.watch("Bob");
      watch.watch("carol");
      const fake = connection(Number.POSITIVE_INFINITY);
      watch.attach(fake);
      watch.online(["bob"]);
      assert.deepEqual(fake.lines, ["MONITOR + Bob,carol", "WHO Bob"]);
      await clock.advance(POLL_MS);
      assert.deepEqual(fake.lines, ["MONITOR + Bob,carol", "WHO Bob", "WHO Bob"], "WHO for bob (online), not for carol (unknown)");
    });

    it("without MONITOR, polls with ISON (nicks as one parameter) in batches of 20 at once and every pollMs", async () => {
      for (const nick of nicks) watch.watch(nick);
      for (const monitor of [undefined, 0]) {
        watch.detach();
        const fake = connection(monitor);
        watch.attach(fake);
        const round = [
          { command: "ISON", params: [nicks.slice(0, 20).join(" ")] },
          { command: "ISON", params: [nicks.slice(20).join(" ")] },
        ];
        assert.deepEqual(fake.sent, round);
        assert.deepEqual(watch.isonBatches, [nicks.slice(0, 20), nicks.slice(20)]);

        await clock.advance(POLL_MS - 1);
        assert.equal(fake.sent.length, 2);
        await clock.advance(1);
        assert.deepEqual(fake.sent, [...round, ...round]);
        assert.equal(watch.isonBatches.length, 4);
      }
    });

    it("without MONITOR, asks WHO at each poll for the contacts online or away, not for those offline", async () => {
      for (const nick of ["ann", "ben", "cat"]) watch.watch(nick);
      const fake = connection(undefined);
      watch.attach(fake);
      watch.isonReply(["ann", "ben"]);
      watch.away("ben", "lunch");
      fake.sent.length = 0;
      await clock.advance(POLL_MS);
      assert.deepEqual(fake.lines, ["ISON ann ben cat", "WHO ann", "WHO ben"]);
    });

    it("answers which asked nicks an ISON reply left out, so that their services account is asked about anew", () => {
      for (const nick of ["ann", "Ben", "cat"]) watch.watch(nick);
      watch.attach(connection(undefined));
      assert.deepEqual(watch.isonReply(["ANN"]), ["Ben", "cat"]);
    });

    it("sends nothing for a server without watched nicks", async () => {
      const fake = connection(undefined);
      watch.attach(fake);
      await clock.advance(POLL_MS);
      assert.deepEqual(fake.sent, []);
    });
  });

  describe("line limits and refusals", () => {
    it("keeps every ISON and MONITOR line a valid IRC line, even with many long nicks", async () => {
      const long = Array.from({ length: 40 }, (_, i) => `averyveryverylongnickname${String(i).padStart(4, "0")}`);
      for (const nick of long) watch.watch(nick);
      for (const monitor of [undefined, 100]) {
        watch.detach();
        const fake = connection(monitor);
        watch.attach(fake);
        assert.ok(fake.sent.length > 2, "the nicks are spread over several lines");
        for (const line of fake.sent) {
          const raw = serializeLine(line.command, line.params);
          assert.ok(Buffer.byteLength(raw) + 2 <= 512, `${Buffer.byteLength(raw)} bytes: ${raw.slice(0, 40)}...`);
        }
        const carried = fake.sent.flatMap((line) => (line.params.at(-1) ?? "").split(/[ ,]/));
        assert.deepEqual(carried, long);
      }
    });

    it("does not count an ISON the connection refused, so later answers match the right nicks", () => {
      const fake = connection(undefined);
      watch.watch("ann");
      watch.attach(fake);
      fake.closed = true; // the next send throws
      watch.watch("ben");
      fake.closed = false;
      watch.isonReply(["ann"]);
      watch.watch("cat");
      watch.isonReply(["cat"]);
      assert.deepEqual(reports, [
        ["ann", { kind: "here" }],
        ["cat", { kind: "here" }],
      ]);
    });
  });

  describe("watch()", () => {
    it("with MONITOR, sends MONITOR + nick for a new nick only", () => {
      const fake = connection(100);
      watch.attach(fake);
      watch.watch("Bob");
      watch.watch("BOB");
      watch.watch("bob");
      assert.deepEqual(fake.sent, [{ command: "MONITOR", params: ["+", "Bob"] }]);
      assert.equal(watch.isWatched("bOb"), true);
      assert.equal(watch.isWatched("carol"), false);
      assert.deepEqual(watch.isonBatches, []);
    });

    it("without MONITOR, sends ISON nick for a new nick and keeps it as an open batch", () => {
      const fake = connection(undefined);
      watch.attach(fake);
      watch.watch("Bob");
      watch.watch("bob");
      assert.deepEqual(fake.sent, [{ command: "ISON", params: ["Bob"] }]);
      assert.deepEqual(watch.isonBatches, [["Bob"]]);
    });

    it("sends nothing without a connection, and the nick is watched once one is attached", () => {
      watch.watch("Bob");
      assert.equal(watch.isWatched("bob"), true);
      const fake = connection(undefined);
      watch.attach(fake);
      assert.deepEqual(fake.lines, ["ISON Bob"]);
    });
  });

  describe("answers", () => {
    it("matches an ISON reply to the oldest open ISON, reporting offline who was asked and is absent", () => {
      watch.watch("Ann");
      watch.watch("ben");
      const fake = connection(undefined);
      watch.attach(fake); // ISON Ann ben
      watch.watch("cat"); // ISON cat
      assert.deepEqual(watch.isonBatches, [["Ann", "ben"], ["cat"]]);

      watch.isonReply(["ANN"]);
      assert.deepEqual(reports, [
        ["Ann", { kind: "here" }],
        ["ben", { kind: "offline" }],
      ]);
      assert.deepEqual(watch.isonBatches, [["cat"]]);
      assert.deepEqual(fake.lines.slice(2), ["WHO Ann"], "an online contact is asked whether away");

      watch.isonReply([]);
      assert.deepEqual(reports.at(-1), ["cat", { kind: "offline" }]);
      assert.equal(reports.length, 3);
      assert.deepEqual(watch.isonBatches, []);
    });

    it("reports nothing again when the next poll's ISON reply changes nothing", async () => {
      watch.watch("ann");
      watch.watch("ben");
      const fake = connection(undefined);
      watch.attach(fake);
      watch.isonReply(["ann"]);
      assert.equal(reports.length, 2);
      await clock.advance(POLL_MS);
      assert.deepEqual(fake.lines, ["ISON ann ben", "WHO ann", "ISON ann ben", "WHO ann"]);
      watch.isonReply(["ann"]);
      assert.deepEqual(
        reports.map(([nick, state]) => `${nick} ${state.kind}`),
        ["ann here", "ben offline"],
      );
      assert.equal(fake.sent.length, 4, "no WHO for a contact already known online");
      assert.deepEqual(watch.isonBatches, []);
    });

    it("online() reports here once and asks WHO; it ignores nicks not watched", () => {
      watch.watch("Bob");
      const fake = connection(100);
      watch.attach(fake);
      watch.online(["bob", "stranger"]);
      watch.online(["BOB"]);
      assert.deepEqual(reports, [["Bob", { kind: "here" }]]);
      assert.deepEqual(fake.lines, ["MONITOR + Bob", "WHO Bob"]);

      watch.offline(["bob", "stranger"]);
      watch.online(["bob"]);
      assert.deepEqual(reports, [
        ["Bob", { kind: "here" }],
        ["Bob", { kind: "offline" }],
        ["Bob", { kind: "here" }],
      ]);
      assert.deepEqual(fake.lines, ["MONITOR + Bob", "WHO Bob", "WHO Bob"]);
    });

    it("a WHO reply of an away contact asks WHOIS for the message, and reports only the away() that follows", () => {
      watch.watch("Bob");
      const fake = connection(100);
      watch.attach(fake);
      watch.online(["bob"]);
      reports.length = 0;

      watch.whoFlag("bob", true);
      assert.deepEqual(fake.lines.at(-1), "WHOIS Bob");
      assert.deepEqual(reports, [], "WHO has no away message: nothing is reported yet");

      watch.away("bob", "at lunch");
      assert.deepEqual(reports, [["Bob", { kind: "away", message: "at lunch" }]]);
      const sent = fake.sent.length;
      watch.whoFlag("BOB", true);
      assert.equal(fake.sent.length, sent, "no WHOIS for a contact known away");
      assert.equal(reports.length, 1);

      watch.whoFlag("bob", false);
      assert.deepEqual(reports.at(-1), ["Bob", { kind: "here" }]);
      watch.whoFlag("bob", false);
      assert.equal(reports.length, 2);

      watch.whoFlag("stranger", true);
      assert.equal(fake.sent.length, sent);
    });

    it("away() and back() report changes only", () => {
      watch.watch("Bob");
      watch.attach(connection(100));
      watch.away("bob", "lunch");
      watch.away("BOB", "lunch");
      watch.away("bob", "meeting");
      watch.back("bob");
      watch.back("bob");
      watch.away("stranger", "x");
      watch.back("stranger");
      assert.deepEqual(reports, [
        ["Bob", { kind: "away", message: "lunch" }],
        ["Bob", { kind: "away", message: "meeting" }],
        ["Bob", { kind: "here" }],
      ]);
    });

    it("gone() (QUIT or NICK away from a watched nick) reports offline once", () => {
      watch.watch("Bob");
      watch.attach(connection(100));
      watch.online(["bob"]);
      watch.gone("bob");
      watch.gone("Bob");
      watch.offline(["bob"]);
      assert.deepEqual(reports, [
        ["Bob", { kind: "here" }],
        ["Bob", { kind: "offline" }],
      ]);
    });
  });

  describe("detach()", () => {
    it("stops polling and clears the open ISON batches", async () => {
      for (const nick of nicks) watch.watch(nick);
      const fake = connection(undefined);
      watch.attach(fake);
      assert.equal(watch.isonBatches.length, 2);
      assert.equal(clock.pending, 1, "the poller");

      watch.detach();
      assert.deepEqual(watch.isonBatches, []);
      assert.equal(clock.pending, 0);
      await clock.advance(3 * POLL_MS);
      assert.equal(fake.sent.length, 2);

      watch.watch("newcomer");
      watch.online(["nick0"]);
      assert.equal(fake.sent.length, 2, "nothing is sent without a connection");
      assert.deepEqual(reports, [["Nick0", { kind: "here" }]]);
      assert.equal(watch.isWatched("newcomer"), true);
    });

    it("a connection attached again starts from unknown states: the next answers are reported again", () => {
      watch.watch("Bob");
      watch.attach(connection(undefined));
      watch.isonReply(["bob"]);
      watch.detach();
      const second = connection(undefined);
      watch.attach(second);
      assert.deepEqual(second.lines, ["ISON Bob"], "no WHO: the state is unknown again");
      watch.isonReply(["bob"]);
      assert.deepEqual(reports, [
        ["Bob", { kind: "here" }],
        ["Bob", { kind: "here" }],
      ]);
    });
  });
});
