import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { DEFAULT_ACCOUNT, makeAddress, type Address } from "../../../src/core/model/address.js";
import type { Presence, Show } from "../../../src/core/model/presence.js";
import type { IrcConnection } from "../../../src/adapters/irc/irc-connection.js";
import { failureFromNumeric } from "../../../src/adapters/irc/numerics.js";
import { PuppetPool, type PuppetPoolOptions } from "../../../src/adapters/irc/puppet-pool.js";
import type { Puppet } from "../../../src/adapters/irc/puppet.js";
import { NICK_CHANGE_TIMEOUT_MS } from "../../../src/adapters/irc/nick-change.js";
import { FakeClock, FakeIrcConnection, flush } from "./fake-irc-connection.js";

const alice = makeAddress("native", DEFAULT_ACCOUNT, "alice");
const bob = makeAddress("native", DEFAULT_ACCOUNT, "bob");
const carol = makeAddress("xmpp", "component", "carol@example.org");
const dave = makeAddress("native", DEFAULT_ACCOUNT, "dave");

const INTERVAL = 200;

function presence(from: Address, show: Show, status = ""): Presence {
  return { from, show, status, priority: 0, since: 0 };
}

/** The `connect` option: a FakeIrcConnection per call, optionally held open until the test releases it. */
class Connector {
  readonly calls: { person: string; at: number; connection: FakeIrcConnection }[] = [];
  /** Connects wait for release() instead of succeeding at once. */
  hold = false;
  /** Person id -> what their connect rejects with. */
  readonly failures = new Map<string, unknown>();
  awayLen: number | undefined;
  private readonly held: Array<() => void> = [];

  constructor(private readonly clock: FakeClock) {}

  readonly connect = (person: Address): Promise<IrcConnection> => {
    const connection = new FakeIrcConnection(`${person.id.split("@")[0] ?? person.id}[sb]`);
    if (this.awayLen !== undefined) connection.server.awayLen = this.awayLen;
    this.calls.push({ person: person.id, at: this.clock.now, connection });
    if (this.failures.has(person.id)) return Promise.reject(this.failures.get(person.id));
    if (!this.hold) return Promise.resolve(connection.asConnection);
    return new Promise((resolve) => this.held.push(() => resolve(connection.asConnection)));
  };

  get persons(): string[] {
    return this.calls.map((call) => call.person);
  }

  get times(): number[] {
    return this.calls.map((call) => call.at);
  }

  /** The connection opened last for that person. */
  latest(person: Address): FakeIrcConnection {
    const call = this.calls.filter((entry) => entry.person === person.id).at(-1);
    assert.ok(call, `a connection was opened for ${person.id}`);
    return call.connection;
  }

  release(): void {
    const next = this.held.shift();
    assert.ok(next, "a connect is waiting");
    next();
  }
}

/** Checks that the promise rejects with a GatewayError with these fields. */
async function rejectsWith(promise: Promise<unknown>, expected: { code: string; retryable: boolean; condition?: string }): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `a GatewayError, not ${String(error)}`);
    assert.equal(error.code, expected.code);
    assert.equal(error.retryable, expected.retryable);
    if (expected.condition !== undefined) assert.equal(error.condition, expected.condition);
    return true;
  });
}

/** Whether the promise has settled by now (after pending continuations ran). */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await flush();
  return settled;
}

/** A failure event as the connection makes it: the error is the numeric's (numerics.ts). */
function failure(numeric: number, name: string, target: string, text = "refused"): { numeric: number; name: string; target: string; params: string[]; text: string; error: GatewayError } {
  const params = ["alice[sb]", target, text];
  return { numeric, name, target, params, text, error: failureFromNumeric(numeric, params)?.error ?? new GatewayError("GW_ERR_FORBIDDEN", text, { condition: name }) };
}

describe("IRC puppet pool", () => {
  let clock: FakeClock;
  let connector: Connector;
  let attached: Puppet[];
  let pools: PuppetPool[];

  beforeEach(() => {
    clock = new FakeClock();
    clock.install();
    connector = new Connector(clock);
    attached = [];
    pools = [];
  });

  afterEach(async () => {
    try {
      for (const pool of pools) await pool.closeAll("test over");
    } finally {
      clock.uninstall();
    }
  });

  function makePool(options: Partial<Pick<PuppetPoolOptions, "maxConnections" | "connectIntervalMs" | "idleTimeoutMs" | "accountCreatedAt" | "accountDisabled">> = {}): PuppetPool {
    const pool = new PuppetPool({
      maxConnections: 10,
      connectIntervalMs: INTERVAL,
      idleTimeoutMs: 0,
      connect: connector.connect,
      attach: (puppet) => attached.push(puppet),
      log: createLogger("silent"),
      now: clock.clock,
      ...options,
    });
    pools.push(pool);
    return pool;
  }

  describe("connecting", () => {
    it("opens one connection per person, even for concurrent calls, and attaches it once", async () => {
      const pool = makePool();
      const puppets = await clock.settle(Promise.all([pool.puppetFor(alice), pool.puppetFor(alice), pool.puppetFor(makeAddress("native", "default", "alice"))]));
      assert.deepEqual(connector.persons, ["alice"]);
      const [first, ...others] = puppets;
      assert.ok(first);
      for (const other of others) assert.equal(other, first);
      assert.equal(first.connection, connector.latest(alice).asConnection);
      assert.deepEqual(first.person, alice);
      assert.equal(first.channels.size, 0);
      assert.deepEqual(attached, [first]);
      assert.equal(pool.size, 1);
      assert.equal(pool.of(alice), first);
      assert.equal(pool.of(bob), undefined);

      assert.equal(await clock.settle(pool.puppetFor(alice)), first);
      assert.deepEqual(connector.persons, ["alice"], "a connected puppet is reused");
      assert.equal(attached.length, 1);
    });

    it("serialises connects: the next one starts only once the one before has finished", async () => {
      const pool = makePool();
      connector.hold = true;
      const forAlice = pool.puppetFor(alice);
      const forBob = pool.puppetFor(bob);
      await clock.advance(10 * INTERVAL);
      assert.deepEqual(connector.persons, ["alice"], "bob waits while alice's connect is open");
      assert.equal(await isSettled(forAlice), false);

      connector.release();
      await clock.advance(0);
      assert.deepEqual(connector.persons, ["alice", "bob"]);
      connector.release();
      const [puppetA, puppetB] = await clock.settle(Promise.all([forAlice, forBob]));
      assert.equal(puppetA.connection.nick, "alice[sb]");
      assert.equal(puppetB.connection.nick, "bob[sb]");
      assert.equal(pool.size, 2);
    });

    it("starts connects at least connectIntervalMs apart", async () => {
      const pool = makePool();
      const start = clock.now;
      const all = Promise.all([pool.puppetFor(alice), pool.puppetFor(bob), pool.puppetFor(carol)]);
      await clock.advance(0);
      assert.deepEqual(connector.persons, ["alice"], "the first connect does not wait");
      await clock.advance(INTERVAL - 1);
      assert.deepEqual(connector.persons, ["alice"]);
      await clock.advance(1);
      assert.deepEqual(connector.persons, ["alice", "bob"]);
      await clock.advance(INTERVAL - 1);
      assert.deepEqual(connector.persons, ["alice", "bob"]);
      await clock.advance(1);
      assert.deepEqual(connector.persons, ["alice", "bob", "carol@example.org"]);
      await all;
      assert.deepEqual(connector.times, [start, start + INTERVAL, start + 2 * INTERVAL]);

      // after a quiet spell longer than the interval, a connect starts at once
      await clock.advance(5 * INTERVAL);
      const forDave = pool.puppetFor(dave);
      await clock.advance(0);
      assert.deepEqual(connector.times.slice(3), [clock.now]);
      await forDave;
    });

    it("rejects only the caller whose connect failed, as a GatewayError, and the person can try again", async () => {
      const pool = makePool();
      connector.failures.set("alice", new Error("ECONNREFUSED"));
      const refused = new GatewayError("GW_ERR_UNAVAILABLE", "throttled", { retryable: true, condition: "throttled" });
      connector.failures.set("carol@example.org", refused);
      const forAlice = pool.puppetFor(alice);
      const forBob = pool.puppetFor(bob);
      const forCarol = pool.puppetFor(carol);
      await rejectsWith(clock.settle(forAlice), { code: "GW_ERR_INTERNAL", retryable: false });
      await assert.rejects(clock.settle(forCarol), (error: unknown) => error === refused);
      const puppetB = await clock.settle(forBob);
      assert.equal(pool.of(bob), puppetB);
      assert.equal(pool.of(alice), undefined);
      assert.equal(pool.size, 1);
      assert.deepEqual(attached, [puppetB]);

      connector.failures.clear();
      const puppetA = await clock.settle(pool.puppetFor(alice));
      assert.deepEqual(connector.persons, ["alice", "bob", "carol@example.org", "alice"]);
      assert.equal(pool.of(alice), puppetA);
    });

    it("finds a puppet by its nick, in any case", async () => {
      const pool = makePool();
      const puppet = await clock.settle(pool.puppetFor(alice));
      assert.equal(pool.byNick("Alice[SB]"), puppet);
      assert.equal(pool.isPuppetNick("ALICE[sb]"), true);
      assert.equal(pool.byNick("alice"), undefined);
      assert.equal(pool.isPuppetNick("bob[sb]"), false);
    });

    it("forgets a puppet whose connection closed, and connects it again on demand", async () => {
      const pool = makePool();
      const puppet = await clock.settle(pool.puppetFor(alice));
      connector.latest(alice).close(false);
      assert.equal(pool.of(alice), undefined);
      assert.equal(pool.size, 0);
      const again = await clock.settle(pool.puppetFor(alice));
      assert.notEqual(again, puppet);
      assert.equal(connector.calls.length, 2);
      assert.equal(again.connection, connector.latest(alice).asConnection);
    });
  });

  describe("limits", () => {
    it("at maxConnections, quits the least recently used puppet to make room", async () => {
      const pool = makePool({ maxConnections: 2 });
      await clock.settle(pool.puppetFor(alice));
      await clock.advance(1000);
      await clock.settle(pool.puppetFor(bob));
      await clock.advance(1000);
      await clock.settle(pool.puppetFor(alice)); // alice is used again: bob is now the idlest
      await clock.advance(1000);
      const puppetC = await clock.settle(pool.puppetFor(carol));

      assert.deepEqual(connector.latest(bob).quits, ["making room for another puppet"]);
      assert.deepEqual(connector.latest(alice).quits, []);
      assert.equal(pool.of(bob), undefined);
      assert.equal(pool.of(carol), puppetC);
      assert.ok(pool.of(alice));
      assert.equal(pool.size, 2);
    });

    it("with maxConnections 0, rejects every puppet as retryable without connecting", async () => {
      const pool = makePool({ maxConnections: 0 });
      await rejectsWith(clock.settle(pool.puppetFor(alice)), { code: "GW_ERR_UNAVAILABLE", retryable: true });
      assert.deepEqual(connector.calls, []);
    });

    it("retires puppets idle longer than idleTimeoutMs, and keeps those used since", async () => {
      const pool = makePool({ idleTimeoutMs: 5000, connectIntervalMs: 0 });
      await clock.settle(pool.puppetFor(alice));
      await clock.settle(pool.puppetFor(carol));
      await clock.advance(3000);
      await clock.settle(pool.puppetFor(bob));
      await clock.advance(1000);
      await clock.settle(pool.puppetFor(carol)); // used at +4000
      await clock.advance(999);
      assert.equal(pool.size, 3, "nobody is retired before the first sweep");

      await clock.advance(1); // the sweep at +5000: idle since +0 is retired
      assert.deepEqual(connector.latest(alice).quits, ["idle"]);
      assert.equal(pool.of(alice), undefined);
      assert.ok(pool.of(bob));
      assert.ok(pool.of(carol));

      await clock.advance(5000); // the sweep at +10000: idle since +3000 and +4000
      assert.deepEqual(connector.latest(bob).quits, ["idle"]);
      assert.deepEqual(connector.latest(carol).quits, ["idle"]);
      assert.equal(pool.size, 0);
    });

    it("keeps a kept puppet through idle sweeps, and at the limit makes room with the others first", async () => {
      const pool = makePool({ idleTimeoutMs: 5000, connectIntervalMs: 0, maxConnections: 2 });
      pool.keep(alice, true);
      await clock.settle(pool.puppetFor(alice));
      await clock.advance(1000);
      await clock.settle(pool.puppetFor(bob));
      await clock.settle(pool.puppetFor(carol)); // alice is the idlest, but kept: bob makes room
      assert.deepEqual(connector.latest(bob).quits, ["making room for another puppet"]);
      await clock.advance(10_000);
      assert.deepEqual(connector.latest(carol).quits, ["idle"]);
      assert.ok(pool.of(alice), "kept through the sweeps");
      pool.keep(alice, false);
      await clock.advance(5000);
      assert.deepEqual(connector.latest(alice).quits, ["idle"]);
    });

    it("never retires an idle puppet when idleTimeoutMs is 0", async () => {
      const pool = makePool({ idleTimeoutMs: 0 });
      await clock.settle(pool.puppetFor(alice));
      await clock.advance(7 * 24 * 3600 * 1000);
      assert.ok(pool.of(alice));
      assert.deepEqual(connector.latest(alice).quits, []);
      assert.equal(clock.pending, 0, "no sweeper is set");
    });
  });

  describe("presence", () => {
    it("sets AWAY with the status text, the show's word without one, and AWAY without a parameter for back", async () => {
      const pool = makePool();
      await clock.settle(pool.puppetFor(alice));
      const connection = connector.latest(alice);
      pool.setPresence(presence(alice, "away", "at lunch"));
      pool.setPresence(presence(alice, "online"));
      pool.setPresence(presence(alice, "dnd"));
      pool.setPresence(presence(alice, "xa", "gone\r\nJOIN #evil"));
      pool.setPresence(presence(alice, "chat", "free"));
      assert.deepEqual(connection.sent, [
        { command: "AWAY", params: ["at lunch"] },
        { command: "AWAY", params: [] },
        { command: "AWAY", params: ["Do not disturb"] },
        { command: "AWAY", params: ["gone JOIN #evil"] },
        { command: "AWAY", params: [] },
      ]);
      assert.deepEqual(connection.quits, []);
    });

    it("cuts the away text to the server's AWAYLEN", async () => {
      const pool = makePool();
      connector.awayLen = 5;
      await clock.settle(pool.puppetFor(alice));
      pool.setPresence(presence(alice, "away", "at lunch"));
      assert.deepEqual(connector.latest(alice).sent, [{ command: "AWAY", params: ["at lu"] }]);
    });

    it("quits the puppet when its person goes offline, with the status text as the reason", async () => {
      const pool = makePool();
      await clock.settle(pool.puppetFor(alice));
      await clock.settle(pool.puppetFor(bob));
      pool.setPresence(presence(alice, "offline", "see you"));
      pool.setPresence(presence(bob, "offline"));
      await flush();
      assert.deepEqual(connector.latest(alice).quits, ["see you"]);
      assert.deepEqual(connector.latest(bob).quits, ["offline"]);
      assert.deepEqual(connector.latest(alice).sent, [], "no AWAY before the quit");
      assert.equal(pool.of(alice), undefined);
      assert.equal(pool.size, 0);
    });

    it("connects none for a deleted person however online they stay, until the name is registered again", async () => {
      const pool = makePool();
      await clock.settle(pool.puppetFor(alice));
      await pool.forget(alice, "account deleted");
      assert.deepEqual(connector.latest(alice).quits, ["account deleted"]);
      // A linked account of theirs still online keeps the person's presence online while the deletion runs.
      pool.setPresence(presence(alice, "away", "still here"));
      await rejectsWith(pool.puppetFor(alice), { code: "GW_ERR_FORBIDDEN", retryable: false });
      assert.equal(connector.calls.length, 1, "no puppet connected again");
      pool.remember(alice);
      await clock.settle(pool.puppetFor(alice));
      assert.equal(connector.calls.length, 2, "the new account's puppet");
    });

    it("connects one for a deleted person's name again once the store has an account of it made after the deletion, which nobody told the pool of", async () => {
      // The account of the name as the store has it: the deleted one's, none, then one made by `switchboard user add`.
      let createdAt: number | undefined = clock.now - 1000;
      const asked: string[] = [];
      const pool = makePool({
        accountCreatedAt: async (person) => {
          asked.push(person.id);
          return createdAt;
        },
      });
      await clock.settle(pool.puppetFor(bob));
      assert.deepEqual(asked, [], "only a deleted person's account is looked up");
      await clock.settle(pool.puppetFor(alice));
      await pool.forget(alice, "account deleted");
      await rejectsWith(pool.puppetFor(alice), { code: "GW_ERR_FORBIDDEN", retryable: false });
      createdAt = undefined;
      await rejectsWith(pool.puppetFor(alice), { code: "GW_ERR_FORBIDDEN", retryable: false });
      assert.equal(connector.calls.filter((call) => call.person === "alice").length, 1, "none for the deleted account, nor for no account");
      await clock.advance(5);
      createdAt = clock.now;
      await clock.settle(pool.puppetFor(alice));
      assert.equal(connector.calls.filter((call) => call.person === "alice").length, 2, "the new account's puppet");
      const lookups = asked.length;
      await pool.puppetFor(alice);
      assert.equal(asked.length, lookups, "the hold is gone: the store is not asked again");
    });

    it("connects none for a person the store says is disabled, a new pool too (a restart), saying disabled; once enabled, one connects", async () => {
      const disabled = new Set<string>();
      const options = { accountDisabled: async (person: Address) => disabled.has(person.id) };
      const pool = makePool(options);
      await clock.settle(pool.puppetFor(alice));
      disabled.add("alice");
      await pool.suspend(alice, "account disabled");
      assert.deepEqual(connector.latest(alice).quits, ["account disabled"]);
      const refusal = pool.puppetFor(alice);
      await rejectsWith(refusal, { code: "GW_ERR_ACCOUNT_DISABLED", retryable: false });
      await assert.rejects(refusal, /native:alice is disabled: no puppet speaks for them until their account is enabled again/);
      // Nothing told this one: it knows only what the store says, as after a restart.
      const restarted = makePool(options);
      await rejectsWith(restarted.puppetFor(alice), { code: "GW_ERR_ACCOUNT_DISABLED", retryable: false });
      assert.equal(connector.calls.filter((call) => call.person === "alice").length, 1, "no puppet connected again");
      await clock.settle(restarted.puppetFor(bob));
      disabled.delete("alice");
      await clock.settle(restarted.puppetFor(alice));
      assert.equal(connector.calls.filter((call) => call.person === "alice").length, 2, "enabled: their puppet connects");
    });

    it("quits a puppet whose connect was under way when its person was disabled", async () => {
      const disabled = new Set<string>();
      const pool = makePool({ accountDisabled: async (person: Address) => disabled.has(person.id) });
      connector.hold = true;
      const pending = pool.puppetFor(alice);
      await flush();
      disabled.add("alice");
      const suspended = pool.suspend(alice, "account disabled");
      await clock.advance(0);
      connector.release();
      await clock.settle(pending);
      await suspended;
      assert.deepEqual(connector.latest(alice).quits, ["account disabled"]);
      assert.equal(pool.of(alice), undefined);
    });

    it("gives a puppet that connects later the wanted AWAY, and nothing for online or offline", async () => {
      const pool = makePool({ connectIntervalMs: 0 });
      pool.setPresence(presence(alice, "away", "brb"));
      pool.setPresence(presence(bob, "online"));
      pool.setPresence(presence(carol, "offline"));
      assert.deepEqual(connector.calls, [], "a presence alone connects nobody");

      await clock.settle(pool.puppetFor(alice));
      await clock.settle(pool.puppetFor(bob));
      await clock.settle(pool.puppetFor(carol));
      assert.deepEqual(connector.latest(alice).sent, [{ command: "AWAY", params: ["brb"] }]);
      assert.deepEqual(connector.latest(bob).sent, []);
      assert.deepEqual(connector.latest(carol).sent, []);
      assert.deepEqual(connector.latest(carol).quits, []);
    });

    it("takes the latest wanted presence, cut to the new connection's AWAYLEN", async () => {
      const pool = makePool();
      pool.setPresence(presence(alice, "away", "first"));
      pool.setPresence(presence(alice, "xa", "in a meeting"));
      connector.awayLen = 4;
      await clock.settle(pool.puppetFor(alice));
      assert.deepEqual(connector.latest(alice).sent, [{ command: "AWAY", params: ["in a"] }]);
    });
  });

  describe("channels", () => {
    async function connected(pool: PuppetPool): Promise<{ puppet: Puppet; connection: FakeIrcConnection }> {
      const puppet = await clock.settle(pool.puppetFor(alice));
      return { puppet, connection: connector.latest(alice) };
    }

    it("join() sends JOIN and resolves on the server's JOIN echo for our nick, in any case", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#Dev", "");
      assert.deepEqual(connection.sent, [{ command: "JOIN", params: ["#Dev"] }]);

      connection.emit("join", { nick: "bob", channel: "#dev" });
      connection.emit("join", { nick: "alice[sb]", channel: "#other" });
      assert.equal(await isSettled(joined), false, "another nick's JOIN, or another channel, is not ours");
      assert.equal(puppet.channels.size, 0);

      connection.emit("join", { nick: "ALICE[SB]", channel: "#DEV" });
      await joined;
      assert.deepEqual([...puppet.channels], ["#dev"]);
      assert.equal(connection.listenerCount("join"), 0);
      assert.equal(connection.listenerCount("failure"), 0);
      assert.equal(connection.listenerCount("closed"), 1, "only the pool's own listener is left");

      await pool.join(puppet, "#DEV", "");
      assert.equal(connection.sent.length, 1, "a joined channel is not joined again");
    });

    it("join() sends the channel key when there is one", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#secret", "hunter2");
      assert.deepEqual(connection.sent, [{ command: "JOIN", params: ["#secret", "hunter2"] }]);
      connection.emit("join", { nick: "alice[sb]", channel: "#secret" });
      await joined;
    });

    it("join() rejects with GW_ERR_FORBIDDEN and the numeric's name when banned (474)", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#dev", "");
      connection.emit("failure", failure(474, "ERR_BANNEDFROMCHAN", "#other"));
      connection.emit("failure", failure(404, "ERR_CANNOTSENDTOCHAN", "#dev"));
      assert.equal(await isSettled(joined), false, "a refusal of another channel, or of no JOIN, is not the answer");

      connection.emit("failure", failure(474, "ERR_BANNEDFROMCHAN", "#DEV", "Cannot join channel (+b)"));
      await rejectsWith(joined, { code: "GW_ERR_FORBIDDEN", retryable: false, condition: "ERR_BANNEDFROMCHAN" });
      await assert.rejects(joined, /Cannot join channel \(\+b\)/);
      assert.equal(puppet.channels.size, 0);
      assert.equal(connection.listenerCount("failure"), 0);
      assert.equal(connection.listenerCount("join"), 0);

      const again = pool.join(puppet, "#dev", "");
      assert.equal(connection.sent.filter((line) => line.command === "JOIN").length, 2, "the next attempt sends JOIN again");
      connection.emit("join", { nick: "alice[sb]", channel: "#dev" });
      await again;
    });

    it("join() rejects with GW_ERR_UNAVAILABLE, retryable, when the channel is full (471)", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#dev", "");
      connection.emit("failure", failure(471, "ERR_CHANNELISFULL", "#dev"));
      await rejectsWith(joined, { code: "GW_ERR_UNAVAILABLE", retryable: true, condition: "ERR_CHANNELISFULL" });
    });

    it("join() rejects, retryable, when the connection closes, and the pool forgets the puppet", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#dev", "");
      connection.close(false);
      await rejectsWith(joined, { code: "GW_ERR_UNAVAILABLE", retryable: true });
      assert.equal(pool.of(alice), undefined);
      assert.deepEqual(connection.listenerErrors, []);
    });

    it("join() rejects, retryable, when the server does not answer within 10 s", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#dev", "");
      await clock.advance(9_999);
      assert.equal(await isSettled(joined), false);
      await clock.advance(1);
      await rejectsWith(joined, { code: "GW_ERR_UNAVAILABLE", retryable: true });
      assert.equal(connection.listenerCount("join"), 0);
      assert.equal(clock.pending, 0);
    });

    it("part() sends PART only for a channel the puppet joined", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#dev", "");
      connection.emit("join", { nick: "alice[sb]", channel: "#dev" });
      await joined;

      pool.part(alice, "#elsewhere", "left the room");
      pool.part(bob, "#dev", "left the room"); // bob has no puppet
      assert.deepEqual(connection.lines, ["JOIN #dev"]);

      pool.part(alice, "#DEV", "left the room");
      assert.deepEqual(connection.sent.at(-1), { command: "PART", params: ["#DEV", "left the room"] });
      assert.equal(puppet.channels.size, 0);
      pool.part(alice, "#dev", "again");
      assert.equal(connection.sent.length, 2, "no second PART");
    });

    it("forgetChannel() (a kick) makes the next join() send JOIN again", async () => {
      const pool = makePool();
      const { puppet, connection } = await connected(pool);
      const joined = pool.join(puppet, "#dev", "");
      connection.emit("join", { nick: "alice[sb]", channel: "#dev" });
      await joined;
      pool.forgetChannel(puppet, "#Dev");
      assert.equal(puppet.channels.size, 0);
      const rejoined = pool.join(puppet, "#dev", "");
      assert.deepEqual(connection.lines, ["JOIN #dev", "JOIN #dev"]);
      connection.emit("join", { nick: "alice[sb]", channel: "#dev" });
      await rejoined;
    });
  });

  describe("losing the network and shutting down", () => {
    /** Joins a puppet to channels by answering its JOINs. */
    async function joinAll(pool: PuppetPool, person: Address, channels: readonly string[]): Promise<void> {
      const puppet = await clock.settle(pool.puppetFor(person));
      const connection = connector.latest(person);
      for (const channel of channels) {
        const joined = pool.join(puppet, channel, "");
        connection.emit("join", { nick: connection.nick, channel });
        await joined;
      }
    }

    it("dropAll() destroys every connection; restore() brings the puppets back in order, spaced, into their channels", async () => {
      const pool = makePool();
      await joinAll(pool, alice, ["#a", "#b"]);
      await joinAll(pool, bob, ["#c"]);
      await joinAll(pool, carol, []);
      pool.setPresence(presence(alice, "away", "brb"));
      const before = connector.calls.map((call) => call.connection);
      await clock.advance(10_000);

      pool.dropAll();
      for (const connection of before) {
        assert.equal(connection.destroyed, true);
        assert.deepEqual(connection.quits, [], "no QUIT on a dead connection");
      }
      assert.equal(pool.size, 0);
      assert.equal(pool.of(alice), undefined);

      const joins: [string, string][] = [];
      const restoredAt = clock.now;
      await clock.settle(
        pool.restore(async (puppet, channel) => {
          joins.push([puppet.connection.nick, channel]);
        }),
      );
      assert.deepEqual(connector.persons.slice(3), ["alice", "bob", "carol@example.org"]);
      assert.deepEqual(connector.times.slice(3), [restoredAt, restoredAt + INTERVAL, restoredAt + 2 * INTERVAL]);
      assert.deepEqual(joins, [
        ["alice[sb]", "#a"],
        ["alice[sb]", "#b"],
        ["bob[sb]", "#c"],
      ]);
      assert.equal(pool.size, 3);
      assert.equal(pool.of(alice)?.connection, connector.latest(alice).asConnection);
      assert.notEqual(connector.latest(alice), before[0]);
      assert.deepEqual(connector.latest(alice).sent, [{ command: "AWAY", params: ["brb"] }], "the person's presence again");

      let rejoined = 0;
      await clock.settle(pool.restore(async () => void rejoined++));
      assert.equal(rejoined, 0, "nothing is left to restore");
      assert.equal(connector.calls.length, 6);
    });

    it("restore() goes on past a puppet that cannot come back, or a channel that cannot be joined", async () => {
      const pool = makePool();
      await joinAll(pool, alice, ["#a"]);
      await joinAll(pool, bob, ["#b", "#c"]);
      await joinAll(pool, carol, ["#d"]);
      pool.dropAll();
      connector.failures.set("alice", new GatewayError("GW_ERR_UNAVAILABLE", "refused", { retryable: true }));
      const joins: string[] = [];
      await clock.settle(
        pool.restore(async (_puppet, channel) => {
          if (channel === "#b") throw new GatewayError("GW_ERR_FORBIDDEN", "banned");
          joins.push(channel);
        }),
      );
      assert.deepEqual(connector.persons.slice(3), ["alice", "bob", "carol@example.org"]);
      assert.deepEqual(joins, ["#d"], "a person's channels after a refused one wait for on demand");
      assert.equal(pool.of(alice), undefined);
      assert.ok(pool.of(bob));
      assert.ok(pool.of(carol));
    });

    it("closeAll() while connects are under way: the one in flight quits once connected, the queued one never starts", async () => {
      const pool = makePool();
      connector.hold = true;
      const first = pool.puppetFor(alice);
      const second = pool.puppetFor(bob);
      await flush();
      assert.deepEqual(connector.persons, ["alice"]);
      await pool.closeAll("Switchboard is stopping");
      connector.release();
      await rejectsWith(clock.settle(first), { code: "GW_ERR_UNAVAILABLE", retryable: true });
      await rejectsWith(clock.settle(second), { code: "GW_ERR_UNAVAILABLE", retryable: true });
      assert.deepEqual(connector.latest(alice).quits, ["Switchboard is stopping"], "the late connection is closed");
      assert.deepEqual(connector.persons, ["alice"], "bob's connect never started");
      assert.equal(pool.size, 0);
    });

    it("restore() leaves out a person who went offline while the network was down", async () => {
      const pool = makePool();
      await joinAll(pool, alice, ["#a"]);
      await joinAll(pool, bob, ["#b"]);
      pool.dropAll();
      pool.setPresence(presence(alice, "offline"));
      await clock.settle(pool.restore(async () => undefined));
      assert.deepEqual(connector.persons.slice(2), ["bob"]);
      assert.equal(pool.of(alice), undefined);
    });

    it("join() rejects at once, not retryable, for every JOIN refusal numerics.ts knows (489: TLS only)", async () => {
      const pool = makePool();
      const puppet = await clock.settle(pool.puppetFor(alice));
      const connection = connector.latest(alice);
      const joined = pool.join(puppet, "#secure", "");
      connection.emit("failure", failure(489, "ERR_SECUREONLYCHAN", "#secure"));
      await rejectsWith(joined, { code: "GW_ERR_FORBIDDEN", retryable: false, condition: "ERR_SECUREONLYCHAN" });
    });

    it("reopen() after closeAll() starts the idle sweeper again", async () => {
      const pool = makePool({ idleTimeoutMs: 60_000 });
      await pool.closeAll("restart");
      pool.reopen();
      await clock.settle(pool.puppetFor(alice));
      await clock.advance(3 * 60_000);
      assert.deepEqual(connector.latest(alice).quits, ["idle"]);
    });

    it("closeAll() quits every puppet, and then puppetFor() rejects, retryable, until reopen()", async () => {
      const pool = makePool({ idleTimeoutMs: 60_000 });
      await clock.settle(pool.puppetFor(alice));
      await clock.settle(pool.puppetFor(bob));
      await pool.closeAll("Switchboard is stopping");
      assert.deepEqual(connector.latest(alice).quits, ["Switchboard is stopping"]);
      assert.deepEqual(connector.latest(bob).quits, ["Switchboard is stopping"]);
      assert.equal(pool.size, 0);
      assert.equal(clock.pending, 0, "the idle sweeper is stopped");

      await rejectsWith(pool.puppetFor(carol), { code: "GW_ERR_UNAVAILABLE", retryable: true });
      await rejectsWith(pool.puppetFor(alice), { code: "GW_ERR_UNAVAILABLE", retryable: true });
      assert.equal(connector.calls.length, 2, "nothing connects once closed");

      pool.reopen();
      const puppet = await clock.settle(pool.puppetFor(carol));
      assert.equal(pool.of(carol), puppet);
    });
  });

  describe("nick changes", () => {
    it("undoes an unanswered nick change before the puppet quits, so that a connect right after reads the earlier nick", async () => {
      const pool = makePool();
      await clock.settle(pool.puppetFor(alice));
      const connection = connector.latest(alice);
      const seenAtUndo: { connected: boolean; quits: number }[] = [];
      const renaming = pool.rename(alice, "ali[sb]", async () => {
        seenAtUndo.push({ connected: pool.of(alice) !== undefined, quits: connection.quits.length });
      });
      const outcome = renaming.then(
        () => undefined,
        (error: unknown) => error,
      );
      await clock.advance(NICK_CHANGE_TIMEOUT_MS);
      const error = await outcome;
      assert.ok(error instanceof GatewayError && error.condition === "timeout", `a timeout, not ${String(error)}`);
      assert.deepEqual(connection.lines, ["NICK ali[sb]"]);
      assert.deepEqual(seenAtUndo, [{ connected: true, quits: 0 }], "undone while the puppet was still there: nothing could connect meanwhile");
      assert.deepEqual(connection.quits, ["nick change unanswered"]);
      assert.equal(pool.of(alice), undefined);
    });

    it("quits a puppet the server gave another nick than it asked for, after undoing the choice, so that no person's puppet keeps a nick nobody holds", async () => {
      const pool = makePool();
      await clock.settle(pool.puppetFor(alice));
      const connection = connector.latest(alice);
      const seenAtUndo: { connected: boolean; quits: number }[] = [];
      const renaming = pool.rename(alice, "ali[sb]", async () => {
        seenAtUndo.push({ connected: pool.of(alice) !== undefined, quits: connection.quits.length });
      });
      await flush();
      // A forced rename (a collision, services) answers the NICK: the connection now has a nick nobody chose.
      connection.nick = "Guest4711";
      connection.emit("nick", { from: "alice[sb]", to: "Guest4711" });
      await rejectsWith(renaming, { code: "GW_ERR_NICK_IN_USE", retryable: false, condition: "renamed" });
      assert.deepEqual(connection.lines, ["NICK ali[sb]"]);
      assert.deepEqual(seenAtUndo, [{ connected: true, quits: 0 }], "undone before the quit: a connect right after reads the person's nick");
      assert.deepEqual(connection.quits, ["renamed by the server"]);
      assert.equal(pool.of(alice), undefined);
      assert.equal(pool.byNick("Guest4711"), undefined);
    });

    it("keeps a puppet whose nick change the server refused: it still has its person's nick", async () => {
      const pool = makePool();
      await clock.settle(pool.puppetFor(alice));
      const connection = connector.latest(alice);
      let undone = 0;
      const renaming = pool.rename(alice, "ali[sb]", async () => void undone++);
      await flush();
      connection.emit("failure", failure(433, "ERR_NICKNAMEINUSE", "ali[sb]"));
      await rejectsWith(renaming, { code: "GW_ERR_NICK_IN_USE", retryable: true, condition: "ERR_NICKNAMEINUSE" });
      assert.equal(undone, 1);
      assert.deepEqual(connection.quits, []);
      assert.ok(pool.of(alice));
    });
  });
});
