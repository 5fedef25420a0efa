import assert from "node:assert/strict";
import { isNetsplitReason, NetsplitDamper, type DamperClock } from "../../../src/adapters/irc/netsplit-damper.js";

/** Timers run only when the test says so. */
class ManualClock implements DamperClock {
  private readonly timers = new Map<number, () => void>();
  private next = 1;
  setTimeout(callback: () => void): unknown {
    const id = this.next++;
    this.timers.set(id, callback);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const callback of due) callback();
  }
  get pending(): number {
    return this.timers.size;
  }
}

describe("netsplit damping", () => {
  it("recognises the two-server quit reason of a netsplit, and nothing else", () => {
    assert.equal(isNetsplitReason("irc.example.net hub.example.org"), true);
    assert.equal(isNetsplitReason("*.net *.split"), true);
    assert.equal(isNetsplitReason("Quit: gone to lunch"), false);
    assert.equal(isNetsplitReason("Ping timeout: 240 seconds"), false);
    assert.equal(isNetsplitReason("see you.later tomorrow"), false);
    assert.equal(isNetsplitReason(""), false);
  });

  it("lets an ordinary quit through at once", () => {
    const clock = new ManualClock();
    const damper = new NetsplitDamper(60_000, clock);
    const released: string[] = [];
    damper.quit("bob", "Quit: bye", () => released.push("bob"));
    assert.deepEqual(released, ["bob"]);
    assert.equal(clock.pending, 0);
  });

  it("holds a netsplit quit and drops it when the nick comes back in time", () => {
    const clock = new ManualClock();
    const damper = new NetsplitDamper(60_000, clock);
    const released: string[] = [];
    for (const nick of ["ann", "Bob", "cat"]) damper.quit(nick, "a.example.net b.example.net", () => released.push(nick));
    assert.deepEqual(released, [], "nothing shown during the split");
    assert.equal(damper.isHeld("BOB"), true);
    assert.equal(damper.returned("bob"), true);
    assert.equal(damper.returned("bob"), false, "only once");
    clock.fireAll();
    assert.deepEqual(released.sort(), ["ann", "cat"], "those who did not come back are shown as gone after the hold");
    assert.equal(damper.size, 0);
  });

  it("forgets held quits when the gateway's own connection is lost", () => {
    const clock = new ManualClock();
    const damper = new NetsplitDamper(60_000, clock);
    const released: string[] = [];
    damper.quit("ann", "a.example.net b.example.net", () => released.push("ann"));
    damper.clear();
    clock.fireAll();
    assert.deepEqual(released, []);
    assert.equal(damper.isHeld("ann"), false);
  });
});
