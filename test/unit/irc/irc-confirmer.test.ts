import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { InOrderConfirmations } from "../../../src/core/in-order-confirmations.js";
import { BARRIER_DELAY_MS, ECHO_GRACE_MS, IrcConfirmer } from "../../../src/adapters/irc/irc-confirmer.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

const lost = new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection closed", { retryable: true });

/** A confirmer with its PINGs and each line's outcome recorded. */
function setup(echo: boolean): { confirmer: IrcConfirmer; pings: string[]; outcomes: Map<number, string>; timers: ManualTimers; line: (target: string) => number } {
  const pings: string[] = [];
  const outcomes = new Map<number, string>();
  const timers = new ManualTimers();
  let barriers = 0;
  const confirmer = new IrcConfirmer((token) => pings.push(token), timers, () => `sb${(barriers += 1)}`);
  confirmer.echoMode = echo;
  let n = 0;
  const line = (target: string): number => {
    n += 1;
    const mine = n;
    return confirmer.expect(target, (error) => outcomes.set(mine, error === undefined ? "confirmed" : error.code));
  };
  return { confirmer, pings, outcomes, timers, line };
}

describe("IRC delivery confirmation (irc-confirmer.ts)", () => {
  describe("InOrderConfirmations", () => {
    it("confirms every item up to the one confirmed, oldest first, and fails the rest when the connection is lost", () => {
      const heard: string[] = [];
      const items = new InOrderConfirmations<string>();
      const seqs = ["a", "b", "c"].map((item) => items.expect(item, (error) => heard.push(`${item}:${error?.code ?? "ok"}`)));
      for (const seq of seqs) items.written(seq);
      items.confirmThrough(seqs[1] as number);
      assert.deepEqual(heard, ["a:ok", "b:ok"]);
      items.failAll(lost);
      assert.deepEqual(heard, ["a:ok", "b:ok", "c:GW_ERR_UNAVAILABLE"]);
      assert.equal(items.size, 0);
    });

    it("finds only written items, and drops an item never written without touching the others", () => {
      const items = new InOrderConfirmations<string>();
      const first = items.expect("a");
      const second = items.expect("b");
      assert.equal(items.find(() => true), undefined, "nothing is written yet");
      items.written(first);
      assert.equal(items.find(() => true), first);
      assert.equal(items.find((item) => item === "b"), undefined, "b is not written yet");
      let heard: string | undefined;
      const third = items.expect("c", (error) => (heard = error?.code));
      items.notWritten(third, lost);
      assert.equal(heard, "GW_ERR_UNAVAILABLE");
      assert.equal(items.size, 2);
      items.written(second);
      assert.equal(items.writtenThrough, second);
    });
  });

  describe("barrier mode (no echo-message)", () => {
    it("sends one PING a moment after lines are written, and its PONG confirms every line written before it", () => {
      const { confirmer, pings, outcomes, timers, line } = setup(false);
      const a = line("#dev");
      const b = line("bob");
      confirmer.written(a);
      assert.deepEqual([...timers.pending.values()].map((timer) => timer.ms), [BARRIER_DELAY_MS]);
      timers.fireAll();
      assert.deepEqual(pings, ["sb1"]);
      confirmer.written(b);
      assert.equal(timers.pending.size, 0, "one barrier in flight at a time");
      confirmer.pong("sb1");
      // The barrier was sent after `a` only: `b` waits for the next one.
      assert.deepEqual([...outcomes], [[1, "confirmed"]]);
      timers.fireAll();
      assert.deepEqual(pings, ["sb1", "sb2"]);
      confirmer.pong("sb2");
      assert.deepEqual([...outcomes], [[1, "confirmed"], [2, "confirmed"]]);
      assert.equal(confirmer.open, 0);
    });

    it("covers the lines of a burst with one barrier", () => {
      const { confirmer, pings, outcomes, timers, line } = setup(false);
      for (let i = 0; i < 50; i += 1) confirmer.written(line(i % 2 === 0 ? "#dev" : "bob"));
      timers.fireAll();
      confirmer.pong("sb1");
      assert.deepEqual(pings, ["sb1"]);
      assert.equal(outcomes.size, 50);
      assert.ok([...outcomes.values()].every((outcome) => outcome === "confirmed"));
    });

    it("ignores a PONG that answers someone else's PING, and sends no barrier while nothing written is open", () => {
      const { confirmer, pings, outcomes, timers, line } = setup(false);
      const a = line("#dev");
      timers.fireAll();
      assert.deepEqual(pings, [], "no barrier before the line is written");
      confirmer.written(a);
      timers.fireAll();
      confirmer.pong("1699999999999"); // irc-framework's keep-alive
      assert.equal(outcomes.size, 0);
      confirmer.pong("sb1");
      assert.equal(outcomes.get(1), "confirmed");
      line("#dev"); // queued behind flood control, not written
      timers.fireAll();
      assert.deepEqual(pings, ["sb1"]);
    });

    it("before a QUIT, sends a barrier covering every line written, even with one in flight", () => {
      const { confirmer, pings, outcomes, timers, line } = setup(false);
      confirmer.written(line("#dev"));
      timers.fireAll();
      confirmer.written(line("#dev"));
      confirmer.finalBarrier();
      assert.deepEqual(pings, ["sb1", "sb2"]);
      confirmer.pong("sb1"); // superseded: its answer no longer counts, the final one covers both lines
      assert.equal(outcomes.size, 0);
      confirmer.pong("sb2");
      assert.deepEqual([...outcomes.values()], ["confirmed", "confirmed"]);
    });

    it("fails every open line, confirmed by nothing, when the connection closes", () => {
      const { confirmer, outcomes, timers, line } = setup(false);
      confirmer.written(line("#dev"));
      line("#dev");
      confirmer.failAll(lost);
      assert.deepEqual([...outcomes.values()], ["GW_ERR_UNAVAILABLE", "GW_ERR_UNAVAILABLE"]);
      assert.equal(timers.pending.size, 0, "no barrier after the close");
      confirmer.pong("sb1");
      assert.equal(confirmer.open, 0);
    });
  });

  describe("echo mode (echo-message)", () => {
    it("confirms by the echo of the oldest open line to the target, and every line before it", () => {
      const { confirmer, pings, outcomes, line } = setup(true);
      const seqs = [line("#dev"), line("bob"), line("#dev")];
      for (const seq of seqs) confirmer.written(seq);
      confirmer.answered("#DEV");
      assert.deepEqual([...outcomes.keys()], [1]);
      confirmer.answered("#dev"); // the second line to #dev: proves the query to bob before it too
      assert.deepEqual([...outcomes.keys()], [1, 2, 3]);
      assert.deepEqual(pings, [], "echoes need no PING");
    });

    it("asks with a PING barrier when a line draws no echo within the grace period", () => {
      const { confirmer, pings, outcomes, timers, line } = setup(true);
      confirmer.written(line("nobody"));
      assert.deepEqual([...timers.pending.values()].map((timer) => timer.ms), [ECHO_GRACE_MS]);
      timers.fireAll();
      assert.deepEqual(pings, ["sb1"]);
      confirmer.pong("sb1");
      assert.equal(outcomes.get(1), "confirmed");
    });

    it("fails the oldest open line to a target the server refused, not a later one, and confirms the lines before it", () => {
      const { confirmer, outcomes, line } = setup(true);
      const seqs = [line("bob"), line("nobody"), line("nobody")];
      for (const seq of seqs) confirmer.written(seq);
      confirmer.refused("NOBODY", new GatewayError("GW_ERR_FORBIDDEN", "Cannot send to that user"));
      assert.deepEqual([...outcomes.entries()], [
        [1, "confirmed"],
        [2, "GW_ERR_FORBIDDEN"],
      ]);
      confirmer.answered("nobody");
      assert.equal(outcomes.get(3), "confirmed", "the next line to the same target is its own");
      assert.equal(confirmer.open, 0);
    });

    it("sends no grace PING when the echoes came in time", () => {
      const { confirmer, pings, timers, line } = setup(true);
      confirmer.written(line("#dev"));
      confirmer.answered("#dev");
      timers.fireAll();
      assert.deepEqual(pings, []);
    });
  });
});
