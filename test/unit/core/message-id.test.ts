import assert from "node:assert/strict";
import { idBoundAt, MessageIdGenerator } from "../../../src/core/message-id.js";

const ID_LENGTH = 15;
const ID_PATTERN = /^[0-9a-z]{15}$/;

/** A clock the test moves by hand. */
function manualClock(start: number): { now: () => number; set: (time: number) => void } {
  let time = start;
  return { now: () => time, set: (next) => (time = next) };
}

function assertStrictlyIncreasing(ids: readonly string[]): void {
  for (let i = 1; i < ids.length; i += 1) {
    const previous = ids[i - 1] as string;
    const current = ids[i] as string;
    assert.ok(previous < current, `id ${i} (${current}) does not sort after id ${i - 1} (${previous})`);
  }
}

describe("MessageIdGenerator", () => {
  it("makes ids that strictly increase within one millisecond", () => {
    const clock = manualClock(1_700_000_000_000);
    const ids = new MessageIdGenerator(undefined, clock.now);
    const made = Array.from({ length: 1000 }, () => ids.next());
    assertStrictlyIncreasing(made);
  });

  it("makes ids that strictly increase across milliseconds", () => {
    const clock = manualClock(1_700_000_000_000);
    const ids = new MessageIdGenerator(undefined, clock.now);
    const made: string[] = [];
    for (let step = 0; step < 200; step += 1) {
      clock.set(1_700_000_000_000 + step * 7);
      made.push(ids.next(), ids.next());
    }
    assertStrictlyIncreasing(made);
  });

  it("puts an id of a later millisecond after every id of an earlier one, however many were made", () => {
    const clock = manualClock(1_700_000_000_000);
    const ids = new MessageIdGenerator(undefined, clock.now);
    let last = "";
    for (let i = 0; i < 5000; i += 1) last = ids.next();
    clock.set(1_700_000_000_001);
    assert.ok(ids.next() > last);
  });

  it("keeps increasing when the clock goes backwards", () => {
    const clock = manualClock(1_700_000_000_000);
    const ids = new MessageIdGenerator(undefined, clock.now);
    const made = [ids.next(), ids.next()];
    clock.set(1_600_000_000_000);
    made.push(ids.next(), ids.next());
    clock.set(1_700_000_000_000);
    made.push(ids.next());
    clock.set(1_700_000_000_001);
    made.push(ids.next());
    assertStrictlyIncreasing(made);
  });

  it("continues after the seed id of a previous run, even when the clock is now earlier", () => {
    const before = new MessageIdGenerator(undefined, () => 1_700_000_000_500);
    const lastOfPreviousRun = [before.next(), before.next(), before.next()].at(-1) as string;
    const clock = manualClock(1_700_000_000_000);
    const restarted = new MessageIdGenerator(lastOfPreviousRun, clock.now);
    const made = [lastOfPreviousRun, restarted.next(), restarted.next()];
    clock.set(1_700_000_000_500);
    made.push(restarted.next());
    clock.set(1_700_000_000_501);
    made.push(restarted.next());
    assertStrictlyIncreasing(made);
  });

  it("continues after the seed id when restarted within the same millisecond", () => {
    const now = (): number => 1_700_000_000_000;
    const lastOfPreviousRun = new MessageIdGenerator(undefined, now).next();
    assert.ok(new MessageIdGenerator(lastOfPreviousRun, now).next() > lastOfPreviousRun);
  });

  it("moves on to the next millisecond when the counter of one millisecond is used up", () => {
    const time = 1_700_000_000_000;
    const seed = time.toString(36).padStart(10, "0") + "zzzzz";
    const ids = new MessageIdGenerator(seed, () => time);
    const first = ids.next();
    const second = ids.next();
    assert.ok(first > seed);
    assert.equal(first, (time + 1).toString(36).padStart(10, "0") + "00000");
    assert.ok(second > first);
  });

  it("makes ids of a fixed length of 15 base-36 digits, from the epoch to far in the future", () => {
    for (const time of [0, 1, 1_700_000_000_000, 4_102_444_800_000, 36 ** 10 - 1]) {
      const id = new MessageIdGenerator(undefined, () => time).next();
      assert.equal(id.length, ID_LENGTH, `at ${time}: ${id}`);
      assert.match(id, ID_PATTERN);
    }
  });

  it("encodes the milliseconds in the first 10 digits", () => {
    const id = new MessageIdGenerator(undefined, () => 1_700_000_000_123).next();
    assert.equal(parseInt(id.slice(0, 10), 36), 1_700_000_000_123);
    assert.equal(id.slice(10), "00000");
  });

  it("bounds ids by time: every id of a time at or after the bound's sorts above it, every earlier one below", () => {
    const at = (time: number): string => new MessageIdGenerator(undefined, () => time).next();
    const bound = idBoundAt(1_700_000_000_123);
    assert.ok(at(1_700_000_000_123) > bound);
    assert.ok(at(1_700_000_000_124) > bound);
    assert.ok(at(1_700_000_000_122) < bound);
    assert.equal(idBoundAt(-5), "0000000000", "times before the epoch bound nothing out");
    assert.ok(at(36 ** 10 - 1) > idBoundAt(9e15), "times beyond what ids hold are clamped");
  });
});
