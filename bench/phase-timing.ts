/**
 * The timing both benchmarks' traffic engines share: the drift-corrected pacer of a paced phase and the
 * watchdog that ends a phase once every message arrived or nothing moved for a while.
 */
import { performance } from "node:perf_hooks";

/** What a phase exposes to the timing: its progress counter, its pacer lag, and how it is finished. */
export interface TimedPhase {
  readonly progress: number;
  pacerLagMs: number;
  finish: () => void;
}

export const finished = (): void => undefined;

/**
 * Sends `total` messages at `rate` per second, drift-corrected: message k is due at start + k / rate; each
 * tick sends everything due by now (and records how late the pacer ran). Stops once the phase is finished.
 */
export function pace(phase: TimedPhase, total: number, rate: number, sendOne: (k: number) => void): void {
  const interval = 1000 / rate;
  const start = performance.now() + 5;
  let k = 0;
  const tick = (): void => {
    if (phase.finish === finished) return;
    const now = performance.now();
    while (k < total && start + k * interval <= now) {
      phase.pacerLagMs = Math.max(phase.pacerLagMs, now - (start + k * interval));
      sendOne(k);
      k++;
    }
    if (k < total) setTimeout(tick, Math.max(0, start + k * interval - performance.now()));
  };
  setTimeout(tick, 5);
}

/** Resolves with `result()` when the phase finishes: all arrived, or no progress for `stallMs`. */
export function settle<R>(phase: TimedPhase, stallMs: number, result: () => R): Promise<R> {
  return new Promise((resolve) => {
    let lastProgress = -1;
    let lastChange = performance.now();
    const watchdog = setInterval(() => {
      const now = performance.now();
      if (phase.progress !== lastProgress) {
        lastProgress = phase.progress;
        lastChange = now;
      } else if (now - lastChange > stallMs) phase.finish();
    }, 100);
    phase.finish = () => {
      clearInterval(watchdog);
      phase.finish = finished;
      resolve(result());
    };
  });
}
