import assert from "node:assert/strict";
import { HoldBack, MembershipDamper, type DampingClock } from "../../../src/util/flap-damper.js";
import { sameUserState, type IrcUserState } from "../../../src/adapters/irc/presence-map.js";

/** A clock whose time moves only when the test advances it; timers fire as it passes them. */
class FakeClock implements DampingClock {
  private time = 1_000_000;
  private next = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = until;
  }
}

const HOLD = 10_000;

function membership(clock: FakeClock, flapChanges = 4): { damper: MembershipDamper; shown: string[] } {
  const shown: string[] = [];
  const damper = new MembershipDamper({ leaveHoldMs: HOLD, flapChanges, flapWindowMs: 600_000 }, (channel, nick, event) => shown.push(`${channel} ${nick} ${event}`), clock);
  return { damper, shown };
}

describe("flap damping (flap-damper.ts)", () => {
  describe("membership", () => {
    it("shows a join at once and a leave only after the hold", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock);
      damper.change("#dev", "Dave", "joined");
      assert.deepEqual(shown, ["#dev Dave joined"]);
      damper.change("#dev", "Dave", "left");
      clock.advance(HOLD - 1);
      assert.deepEqual(shown, ["#dev Dave joined"]);
      clock.advance(1);
      assert.deepEqual(shown, ["#dev Dave joined", "#dev Dave left"]);
    });

    it("shows nothing of a leave followed by a rejoin within the hold", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock);
      damper.change("#dev", "dave", "left"); // dave was on the NAMES list
      clock.advance(3000);
      damper.change("#DEV", "Dave", "joined");
      clock.advance(HOLD * 2);
      assert.deepEqual(shown, []);
    });

    it("holds every change of a flapping nick until it is stable, then shows its final state once", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock, 3);
      damper.change("#dev", "bouncer", "joined");
      for (let i = 0; i < 4; i += 1) {
        clock.advance(20_000); // each leave outlives the hold: shown
        damper.change("#dev", "bouncer", i % 2 === 0 ? "left" : "joined");
      }
      // Each leave outlived the hold: joined, left, joined, left shown; the 5th change (a join) is held: flapping.
      assert.deepEqual(shown, ["#dev bouncer joined", "#dev bouncer left", "#dev bouncer joined", "#dev bouncer left"]);
      assert.ok(damper.isFlapping("#dev", "bouncer"));
      for (let i = 0; i < 6; i += 1) {
        clock.advance(2000);
        damper.change("#dev", "bouncer", i % 2 === 0 ? "left" : "joined");
      }
      assert.equal(shown.length, 4, "a flapping nick's join or leave was shown before it was stable");
      clock.advance(HOLD);
      assert.deepEqual(shown.slice(4), ["#dev bouncer joined"], "once stable, its final state is shown once");
    });

    it("stops damping joins once the changes fall out of the window", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock, 2);
      damper.change("#dev", "eve", "joined");
      damper.change("#dev", "eve", "left");
      damper.change("#dev", "eve", "joined");
      damper.change("#dev", "eve", "left");
      clock.advance(HOLD);
      assert.deepEqual(shown, ["#dev eve joined", "#dev eve left"]);
      clock.advance(600_000);
      damper.change("#dev", "eve", "joined");
      assert.deepEqual(shown, ["#dev eve joined", "#dev eve left", "#dev eve joined"], "a join after a quiet window is shown at once");
    });

    it("shows both sides of a nick change at once, and a later join under the old nick again", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock);
      damper.change("#dev", "dave", "joined");
      damper.change("#dev", "dave", "left", true);
      damper.change("#dev", "davez", "joined", true);
      assert.deepEqual(shown, ["#dev dave joined", "#dev dave left", "#dev davez joined"]);
      damper.change("#dev", "dave", "joined");
      assert.deepEqual(shown.slice(3), ["#dev dave joined"]);
    });

    it("lets a nick change of someone shown in the channel be one rename, after which both nicks count as they are now", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock);
      assert.ok(damper.renamed("#dev", "dave", "davez"), "dave was on the NAMES list");
      assert.deepEqual(shown, [], "a rename is shown by the caller, not as a join or leave");
      damper.change("#dev", "davez", "left");
      clock.advance(HOLD);
      assert.deepEqual(shown, ["#dev davez left"], "the new nick counts as in the channel");
      damper.change("#dev", "dave", "joined");
      assert.deepEqual(shown.slice(1), ["#dev dave joined"], "the old nick counts as gone");
      assert.ok(damper.renamed("#dev", "dave", "Dave"), "a change of case is a rename too");
    });

    it("refuses a rename whose old nick's last change is held or hidden, so that it is shown as a leave and a join", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock, 2);
      damper.change("#dev", "eve", "left");
      assert.equal(damper.renamed("#dev", "eve", "eve2"), false, "eve's leave is held: she may not be shown as in");
      clock.advance(HOLD);
      damper.change("#dev", "eve", "joined");
      damper.change("#dev", "eve", "left");
      clock.advance(HOLD);
      damper.change("#dev", "eve", "joined"); // flapping now: held
      assert.deepEqual(shown, ["#dev eve left", "#dev eve joined", "#dev eve left"]);
      assert.equal(damper.renamed("#dev", "eve", "eve3"), false, "eve's join is held: others never saw her come in");
      damper.change("#dev", "frank", "joined");
      damper.change("#dev", "gina", "joined");
      assert.equal(damper.renamed("#dev", "frank", "gina"), false, "gina is shown in the channel already");
      assert.deepEqual(shown.slice(3), ["#dev frank joined", "#dev gina joined"]);
    });

    it("forgets one channel when its members were set anew from its list: nothing held shown, the next changes shown", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock);
      damper.change("#dev", "bob", "joined");
      damper.change("#dev", "carol", "left"); // held
      damper.change("#ops", "carol", "left"); // held, in another channel
      damper.forgetChannel("#DEV"); // the gateway rejoined #dev: its NAMES showed bob gone and carol there
      clock.advance(HOLD);
      assert.deepEqual(shown, ["#dev bob joined", "#ops carol left"], "carol's held leave in #dev is moot");
      damper.change("#dev", "bob", "joined"); // bob comes back: shown, though a join was the last shown before
      damper.change("#dev", "carol", "left"); // carol goes: shown, though a leave was held before
      clock.advance(HOLD);
      assert.deepEqual(shown.slice(2), ["#dev bob joined", "#dev carol left"]);
    });

    it("keeps channels apart, and forgets everything held when cleared", () => {
      const clock = new FakeClock();
      const { damper, shown } = membership(clock);
      damper.change("#a", "zed", "joined");
      damper.change("#b", "zed", "left");
      damper.clear();
      clock.advance(HOLD);
      assert.deepEqual(shown, ["#a zed joined"]);
    });
  });

  describe("contact presence (HoldBack with a hold for offline only)", () => {
    function presence(clock: FakeClock): { offer: (state: IrcUserState) => void; shown: string[] } {
      const shown: string[] = [];
      const hold = new HoldBack<IrcUserState>((nick, state) => shown.push(`${nick} ${state.kind}`), sameUserState, clock);
      return { offer: (state) => hold.offer("carol", state, state.kind === "offline" ? HOLD : 0), shown };
    }

    it("never flips a contact offline who is back within the hold (their reconnect, a netsplit)", () => {
      const clock = new FakeClock();
      const { offer, shown } = presence(clock);
      offer({ kind: "here" });
      offer({ kind: "offline" });
      clock.advance(HOLD / 2);
      offer({ kind: "here" });
      clock.advance(HOLD * 3);
      assert.deepEqual(shown, ["carol here"]);
    });

    it("shows offline once the hold passes, and away or back at once", () => {
      const clock = new FakeClock();
      const { offer, shown } = presence(clock);
      offer({ kind: "here" });
      offer({ kind: "away", message: "lunch" });
      offer({ kind: "away", message: "lunch" });
      offer({ kind: "offline" });
      clock.advance(HOLD);
      offer({ kind: "here" });
      assert.deepEqual(shown, ["carol here", "carol away", "carol offline", "carol here"]);
    });

    it("shows a contact away, not offline, who came back away within the hold", () => {
      const clock = new FakeClock();
      const { offer, shown } = presence(clock);
      offer({ kind: "here" });
      offer({ kind: "offline" });
      offer({ kind: "away", message: "brb" });
      clock.advance(HOLD);
      assert.deepEqual(shown, ["carol here", "carol away"]);
    });
  });
});
