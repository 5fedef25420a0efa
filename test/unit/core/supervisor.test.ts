/** The supervisor's view of an adapter's state, as the gateway's status report gives it to operators. */
import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress } from "../../../src/core/model/address.js";
import { Supervisor } from "../../../src/core/supervisor.js";
import { FakeAccount } from "./fake-account.js";

/** A linked account each of whose logins waits for the test to say how it ends. */
class ControlledAccount extends FakeAccount {
  private waiting: ((login: (succeeds: boolean) => void) => void) | undefined;
  private queued: ((succeeds: boolean) => void) | undefined;

  override async start(): Promise<void> {
    this.started += 1;
    const succeeds = await new Promise<boolean>((resolve) => {
      if (this.waiting) this.waiting(resolve);
      else this.queued = resolve;
      this.waiting = undefined;
    });
    if (!succeeds) throw new GatewayError("GW_ERR_UNAVAILABLE", `connection refused (login ${this.started})`, { retryable: true });
  }

  /** The next login, once the supervisor tries it: call the function to end it. */
  nextLogin(): Promise<(succeeds: boolean) => void> {
    const queued = this.queued;
    this.queued = undefined;
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

describe("Supervisor states", () => {
  let clock = 1_000;
  let supervisor: Supervisor;

  beforeEach(() => {
    clock = 1_000;
    supervisor = new Supervisor(createLogger("silent"), { baseMs: 1, capMs: 1 }, () => clock);
  });
  afterEach(() => supervisor.stopAll("test over"));

  /** Lets the outcome of a login reach the supervisor. */
  const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it("keeps the time an adapter went down across failed logins, and counts them, until it is online again", async () => {
    const account = new ControlledAccount({ owner: parseAddress("native:alice"), account: "alice", login: "alice@example.org", password: "secret", service: "xmpp://example.org" });
    supervisor.add(account, { critical: false, running: true });
    assert.deepEqual(stateOf(supervisor), { status: "online", since: 1_000, attempts: 0, lastError: undefined });

    clock = 5_000;
    supervisor.report(account, "failed", new Error("connection reset"));
    assert.deepEqual(stateOf(supervisor), { status: "reconnecting", since: 5_000, attempts: 1, lastError: "connection reset" });
    for (const [at, attempts] of [[6_000, 2], [7_000, 3]] as const) {
      const login = await account.nextLogin();
      clock = at;
      login(false);
      await settled();
      assert.deepEqual(stateOf(supervisor), { status: "reconnecting", since: 5_000, attempts, lastError: `connection refused (login ${attempts - 1})` }, `at ${at}: down since it went down`);
    }

    const login = await account.nextLogin();
    clock = 9_000;
    login(true);
    await settled();
    assert.deepEqual(stateOf(supervisor), { status: "online", since: 9_000, attempts: 0, lastError: undefined });
  });
});

describe("Supervisor start", () => {
  it("starts every adapter once: not one its caller started and added running before the start (an IRC server on demand)", async () => {
    const supervisor = new Supervisor(createLogger("silent"), { baseMs: 60_000, capMs: 60_000 });
    const config = (name: string) => ({ owner: parseAddress(`native:${name}`), account: name, login: `${name}@example.org`, password: "secret", service: "xmpp://example.org" });
    const configured = new FakeAccount(config("alice"));
    const onDemand = new FakeAccount(config("bob"));
    supervisor.add(configured, { critical: false });
    await onDemand.start();
    supervisor.add(onDemand, { critical: false, running: true });
    await supervisor.startAll();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([configured.started, onDemand.started], [1, 1]);
    assert.equal(supervisor.status(onDemand), "online");
    await supervisor.stopAll("test over");
  });
});

describe("Supervisor retry log", () => {
  it("says in one short line why an adapter is down and when it is tried again, with no stack", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = { write: (line: string): void => void lines.push(JSON.parse(line) as Record<string, unknown>) };
    const supervisor = new Supervisor(createLogger("info", destination), { baseMs: 60_000, capMs: 60_000 });
    const account = new ControlledAccount({ owner: parseAddress("native:alice"), account: "alice", login: "alice@example.org", password: "secret", service: "xmpp://example.org" });
    supervisor.add(account, { critical: false, running: true });
    const cause = new Error("connect ECONNREFUSED 127.0.0.1:5347");
    supervisor.report(account, "failed", new GatewayError("GW_ERR_UNAVAILABLE", `cannot connect: ${cause.message}`, { cause, retryable: true }));
    await supervisor.stopAll("test over");
    const warning = lines.find((line) => line["msg"] === "adapter down; restarting after backoff");
    assert.ok(warning, JSON.stringify(lines));
    assert.deepEqual(
      { reason: warning["reason"], code: warning["code"], attempt: warning["attempt"] },
      { reason: "cannot connect: connect ECONNREFUSED 127.0.0.1:5347", code: "GW_ERR_UNAVAILABLE", attempt: 1 },
    );
    assert.ok(!JSON.stringify(warning).includes("    at "), "no stack in the retry warning");
  });
});

function stateOf(supervisor: Supervisor): { status: string; since: number; attempts: number; lastError: string | undefined } {
  const [state] = supervisor.states();
  assert.ok(state);
  return { status: state.status, since: state.since, attempts: state.attempts, lastError: state.lastError };
}
