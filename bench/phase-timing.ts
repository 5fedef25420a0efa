/**
 * The timing both traffic engines share (bench/load-generator.ts, bench/xmpp-traffic.ts): the drift-corrected
 * pacer of a paced phase, the watchdog that ends a phase once every message arrived or nothing moved for a while,
 * and the two kinds of phase built on them (a windowed burst, a paced rate).
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

/** A stream of a traffic engine, as the phases drive it. */
export interface PhaseStream<P> {
  /** Sends one message of `phase`. */
  sendOne(phase: P): void;
  /** Sends as many messages as its window allows. */
  pump(): void;
}

/** A windowed burst: every stream starts sending as its window allows; resolves as settle() does. */
export function runBurst<P extends TimedPhase, R>(phase: P, streams: readonly PhaseStream<P>[], stallMs: number, result: () => R): Promise<R> {
  for (const stream of streams) stream.pump();
  return settle(phase, stallMs, result);
}

/** A paced phase: the phase's messages at `rate` per second, round-robin over the streams; resolves as settle() does. */
export function runPaced<P extends TimedPhase & { readonly expected: number }, R>(
  phase: P,
  rate: number,
  streams: readonly PhaseStream<P>[],
  stallMs: number,
  result: () => R,
): Promise<R> {
  pace(phase, phase.expected, rate, (k) => (streams[k % streams.length] as PhaseStream<P>).sendOne(phase));
  return settle(phase, stallMs, result);
}
