import assert from "node:assert/strict";
import { createLogger } from "../../../src/core/logger.js";
import { LogRetention, PASS_INTERVAL_MS } from "../../../src/core/log-retention.js";
import { MessageCounters } from "../../../src/core/message-counters.js";
import type { LogPruneBatch } from "../../../src/store/store.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1);

/** A log whose batches answer as scripted, recording what each was asked and what ran between them. */
class ScriptedLog {
  readonly calls: { cutoff: number; after: string | undefined; limit: number }[] = [];
  readonly events: string[] = [];
  constructor(private readonly answers: LogPruneBatch[]) {}
  pruneBatch(cutoff: number, batch: { readonly after?: string; readonly limit: number }): Promise<LogPruneBatch> {
    this.calls.push({ cutoff, after: batch.after, limit: batch.limit });
    this.events.push(`batch ${this.calls.length}`);
    return Promise.resolve(this.answers.shift() ?? { deleted: 0 });
  }
}

/** Lets the event loop turn until `condition` holds: a pass's batches and its timer take a few turns, never a hundred. */
async function turnsUntil(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 100; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`${what}: not so after 100 turns of the event loop`);
}

describe("LogRetention (store.message_log_max_age_days)", () => {
  let lines: Record<string, unknown>[];
  const logger = (): ReturnType<typeof createLogger> => createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  beforeEach(() => {
    lines = [];
  });

  it("deletes nothing and logs nothing with an age of 0", async () => {
    const log = new ScriptedLog([]);
    const retention = new LogRetention({ log, maxAgeDays: () => 0, logger: logger(), now: () => NOW });
    assert.equal(await retention.pass(), 0);
    assert.deepEqual(log.calls, []);
    assert.deepEqual(lines, []);
  });

  it("goes on batch after batch from where the last stopped, yielding to the event loop between them", async () => {
    const log = new ScriptedLog([{ deleted: 2, next: "a" }, { deleted: 0, next: "b" }, { deleted: 1 }]);
    const counters = new MessageCounters();
    const retention = new LogRetention({ log, maxAgeDays: () => 30, logger: logger(), counters, now: () => NOW, batchSize: 2 });
    const passed = retention.pass();
    // Work that came in while the first batch ran gets its turn before the second batch.
    setImmediate(() => log.events.push("traffic"));
    assert.equal(await passed, 3);
    const cutoff = NOW - 30 * DAY_MS;
    assert.deepEqual(log.calls, [
      { cutoff, after: undefined, limit: 2 },
      { cutoff, after: "a", limit: 2 },
      { cutoff, after: "b", limit: 2 },
    ]);
    assert.deepEqual(log.events.slice(0, 3), ["batch 1", "traffic", "batch 2"]);
    assert.equal(counters.expired, 3);
    assert.deepEqual(
      lines.map((line) => [line["msg"], line["deleted"], line["cutoff"]]),
      [["message log pruned", 3, new Date(cutoff).toISOString()]],
      "one line for the pass",
    );
  });

  it("prunes the MUCs' ids of lines at the same cut-off after the log's last batch", async () => {
    const log = new ScriptedLog([{ deleted: 1 }]);
    const pruned: number[] = [];
    const mucLineIds = { prune: (cutoff: number) => Promise.resolve(pruned.push(cutoff)) };
    const retention = new LogRetention({ log, mucLineIds, maxAgeDays: () => 30, logger: logger(), now: () => NOW });
    await retention.pass();
    assert.deepEqual(pruned, [NOW - 30 * DAY_MS]);
  });

  it("logs nothing for a pass that deleted nothing", async () => {
    const retention = new LogRetention({ log: new ScriptedLog([{ deleted: 0 }]), maxAgeDays: () => 30, logger: logger(), now: () => NOW });
    assert.equal(await retention.pass(), 0);
    assert.deepEqual(lines, []);
  });

  it("passes at start and then an hour after each pass, until stopped", async () => {
    const log = new ScriptedLog([]);
    const timers = new ManualTimers();
    const retention = new LogRetention({ log, maxAgeDays: () => 30, logger: logger(), now: () => NOW, timers });
    retention.start();
    await retention.stop();
    assert.equal(log.calls.length, 1, "the pass at start");
    assert.equal(timers.pending.size, 0, "no next pass once stopped");

    const again = new LogRetention({ log, maxAgeDays: () => 30, logger: logger(), now: () => NOW, timers });
    again.start();
    await turnsUntil(() => timers.pending.size > 0, "the next pass is armed");
    assert.deepEqual([...timers.pending.values()].map((timer) => timer.ms), [PASS_INTERVAL_MS]);
    timers.fireAll();
    assert.equal(log.calls.length, 3, "the hourly pass");
    await again.stop();
    assert.equal(timers.pending.size, 0);
  });

  it("stops between two batches, and its stop waits for the batch under way", async () => {
    const log = new ScriptedLog(Array.from({ length: 100 }, (_, n) => ({ deleted: 1, next: `id${n}` })));
    const retention = new LogRetention({ log, maxAgeDays: () => 30, logger: logger(), now: () => NOW, timers: new ManualTimers() });
    retention.start();
    await retention.stop();
    assert.equal(log.calls.length, 1);
    assert.equal(lines[0]?.["deleted"], 1, "what was deleted is told");
  });

  it("runs one more pass when asked during a pass (a reload that changed the age), reading the new age", async () => {
    let days = 30;
    const log = new ScriptedLog([]);
    const retention = new LogRetention({ log, maxAgeDays: () => days, logger: logger(), now: () => NOW, timers: new ManualTimers() });
    retention.start();
    days = 7;
    retention.runPass();
    await turnsUntil(() => log.calls.length >= 2, "the pass asked for runs");
    await retention.stop();
    assert.deepEqual(log.calls.map((call) => (NOW - call.cutoff) / DAY_MS), [30, 7]);
  });
});
