import assert from "node:assert/strict";
import xml from "@xmpp/xml";
import { BARRIER_ANSWER_TIMEOUT_MS, BARRIER_DELAY_MS, ServerPingConfirmer, StanzaConfirmer } from "../../../src/adapters/xmpp/stanza-confirmer.js";
import { GatewayError } from "../../../src/core/errors.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

/** A confirmer with its barriers and each message's outcome recorded. */
function setup(): { confirmer: StanzaConfirmer; barriers: string[]; outcomes: string[]; timers: ManualTimers; message: (name: string) => void } {
  const barriers: string[] = [];
  const outcomes: string[] = [];
  const timers = new ManualTimers();
  let count = 0;
  const confirmer = new StanzaConfirmer((id) => barriers.push(id), { timers, nextId: () => `sb-barrier-t${(count += 1)}` });
  const message = (name: string): void => {
    confirmer.track(Promise.resolve()).then(
      () => outcomes.push(`${name}:confirmed`),
      (error: unknown) => outcomes.push(`${name}:${(error as GatewayError).code}${(error as GatewayError).retryable ? ":retry" : ""}`),
    );
  };
  return { confirmer, barriers, outcomes, timers, message };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("XMPP delivery confirmation (stanza-confirmer.ts)", () => {
  it("sends one barrier a moment after a write, and its answer confirms everything written before it", async () => {
    const { confirmer, barriers, outcomes, timers, message } = setup();
    message("a");
    message("b");
    assert.deepEqual(barriers, [], "no barrier before the delay");
    assert.deepEqual([...timers.pending.values()].map((timer) => timer.ms), [BARRIER_DELAY_MS]);
    timers.fireAll();
    assert.deepEqual(barriers, ["sb-barrier-t1"]);
    message("c"); // written after the barrier: not covered by it
    assert.equal(confirmer.answered("sb-barrier-t1"), true);
    await settle();
    assert.deepEqual(outcomes, ["a:confirmed", "b:confirmed"]);
    assert.equal(confirmer.open, 1);
    timers.fireAll();
    assert.deepEqual(barriers, ["sb-barrier-t1", "sb-barrier-t2"], "the next barrier covers what was written meanwhile");
    confirmer.answered("sb-barrier-t2");
    await settle();
    assert.deepEqual(outcomes, ["a:confirmed", "b:confirmed", "c:confirmed"]);
  });

  it("keeps one barrier in flight, and claims only its own ids", async () => {
    const { confirmer, barriers, outcomes, timers, message } = setup();
    message("a");
    timers.fireAll();
    message("b");
    assert.equal(timers.pending.size, 0, "no second barrier while one is in flight");
    assert.equal(confirmer.answered("ping-from-someone"), false);
    assert.equal(confirmer.answered("sb-barrier-t99"), true, "a stale barrier of ours is still ours to swallow");
    await settle();
    assert.deepEqual(outcomes, [], "but it confirms nothing");
    assert.deepEqual(barriers, ["sb-barrier-t1"]);
  });

  it("fails what is open with a retryable error when the connection closes, so that the outbox sends it again", async () => {
    const { confirmer, outcomes, timers, message } = setup();
    message("a");
    timers.fireAll();
    message("b");
    confirmer.failAll();
    await settle();
    assert.deepEqual(outcomes, ["a:GW_ERR_UNAVAILABLE:retry", "b:GW_ERR_UNAVAILABLE:retry"]);
    assert.equal(timers.pending.size, 0);
    confirmer.answered("sb-barrier-t1");
    await settle();
    assert.equal(outcomes.length, 2, "a late answer changes nothing");
  });

  it("fails a message whose write failed, with a retryable error, and never takes a barrier for its confirmation", async () => {
    const { confirmer, barriers, outcomes, timers } = setup();
    const failedWrite = Promise.reject(new Error("write EPIPE"));
    confirmer.track(failedWrite).then(
      () => outcomes.push("lost:confirmed"),
      (error: unknown) => outcomes.push(`lost:${(error as GatewayError).code}${(error as GatewayError).retryable ? ":retry" : ""}`),
    );
    await settle();
    timers.fireAll();
    if (barriers[0] !== undefined) confirmer.answered(barriers[0]);
    await settle();
    assert.deepEqual(outcomes, ["lost:GW_ERR_UNAVAILABLE:retry"]);
    assert.equal(confirmer.open, 0);
  });

  it("at a clean stop sends a barrier at once, even with one in flight, and waits for its answer", async () => {
    const { confirmer, barriers, outcomes, timers, message } = setup();
    message("a");
    timers.fireAll();
    message("b");
    const stopped = confirmer.finalBarrier(60_000);
    assert.deepEqual(barriers, ["sb-barrier-t1", "sb-barrier-t2"]);
    confirmer.answered("sb-barrier-t2");
    await stopped;
    assert.deepEqual(outcomes, ["a:confirmed", "b:confirmed"]);
  });

  it("at a clean stop gives up waiting after the timeout: what is open fails, to be sent again after the restart", async () => {
    const { confirmer, outcomes, message } = setup();
    message("a");
    await confirmer.finalBarrier(5);
    await settle();
    assert.deepEqual(outcomes, ["a:GW_ERR_UNAVAILABLE:retry"]);
    assert.equal(confirmer.open, 0);
  });

  it("at a clean stop with nothing open sends no barrier", async () => {
    const { confirmer, barriers } = setup();
    await confirmer.finalBarrier(60_000);
    assert.deepEqual(barriers, []);
  });
});

describe("client-mode barriers (stanza-confirmer.ts ServerPingConfirmer)", () => {
  it("pings the account's server, and takes only that server's answers to its barriers out of the stream", async () => {
    const written: string[] = [];
    const timers = new ManualTimers();
    const confirmer = new ServerPingConfirmer("Example.org", async (element) => void written.push(element.toString()), { timers, nextId: () => "sb-barrier-c1" });
    let confirmed = false;
    void confirmer.track(Promise.resolve()).then(() => (confirmed = true));
    timers.fireAll();
    assert.equal(written.length, 1);
    assert.match(written[0] ?? "", /^<iq type="get" id="sb-barrier-c1" to="Example.org"><ping xmlns="urn:xmpp:ping"\/><\/iq>$/);

    const iq = (attrs: Record<string, string>): ReturnType<typeof xml> => xml("iq", attrs);
    assert.equal(confirmer.consumed(iq({ type: "result", id: "sb-barrier-c1", from: "mallory@example.org/x" })), false, "not from the server");
    assert.equal(confirmer.consumed(iq({ type: "get", id: "sb-barrier-c1", from: "example.org" })), false, "a request, not an answer");
    assert.equal(confirmer.consumed(iq({ type: "result", id: "roster-1", from: "example.org" })), false, "not a barrier");
    assert.equal(confirmer.consumed(xml("message", { id: "sb-barrier-c1", from: "example.org" })), false);
    await settle();
    assert.equal(confirmed, false);
    assert.equal(confirmer.consumed(iq({ type: "error", id: "sb-barrier-c1", from: "EXAMPLE.ORG" })), true, "an error answer proves the read too");
    await settle();
    assert.equal(confirmed, true);
  });

  it("takes an answer with no from as the server's (RFC 6120 8.1.2.1)", async () => {
    const timers = new ManualTimers();
    const confirmer = new ServerPingConfirmer("example.org", async () => undefined, { timers, nextId: () => "sb-barrier-c2" });
    let confirmed = false;
    void confirmer.track(Promise.resolve()).then(() => (confirmed = true));
    timers.fireAll();
    assert.equal(confirmer.consumed(xml("iq", { type: "result", id: "sb-barrier-c2" })), true);
    await settle();
    assert.equal(confirmed, true);
  });
});

describe("a barrier that is never answered (stanza-confirmer.ts)", () => {
  it("has the adapter close the connection as dead after BARRIER_ANSWER_TIMEOUT_MS, and not when the answer came", () => {
    const timers = new ManualTimers();
    let dead = 0;
    const confirmer = new StanzaConfirmer(() => undefined, { timers, nextId: () => "sb-barrier-d1", unanswered: () => (dead += 1) });
    void confirmer.track(Promise.resolve());
    timers.fireAll(); // the barrier is sent
    assert.deepEqual([...timers.pending.values()].map((timer) => timer.ms), [BARRIER_ANSWER_TIMEOUT_MS]);
    confirmer.answered("sb-barrier-d1");
    assert.equal(timers.pending.size, 0, "answered: no alarm left");
    void confirmer.track(Promise.resolve());
    timers.fireAll(); // the next barrier
    timers.fireAll(); // its answer never came
    assert.equal(dead, 1);
  });

  it("numbers barriers with a part of their own for each run of the daemon", () => {
    const ids: string[] = [];
    const timers = new ManualTimers();
    const confirmer = new StanzaConfirmer((id) => ids.push(id), { timers });
    void confirmer.track(Promise.resolve());
    timers.fireAll();
    assert.match(ids[0] ?? "", /^sb-barrier-[0-9a-z]+-\d+$/);
  });
});
