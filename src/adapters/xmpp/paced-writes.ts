/**
 * Stanzas written a batch at a time with a pause between batches, for a burst whose answers would flood the XMPP
 * server: at each start the domain probes every subscriber (gateway-contact.ts, up to 10,000), and each probe makes
 * the subscriber's server answer with the presence of each of her sessions, over s2s for a remote server. Written in
 * one go, that is tens of thousands of stanzas through Prosody's component, c2s and s2s queues at once; in batches of
 * PACED_BATCH every PACE_MS, 10,000 subscribers take about five seconds.
 */
import type { Element } from "ltx";
import { setTimeout as delay } from "node:timers/promises";

/** Stanzas written together: the presence and the probe of 100 subscribers. */
export const PACED_BATCH = 200;
/** The pause between two batches. */
export const PACE_MS = 50;

export interface Pacing {
  /** Resolves when the next batch may be written (tests give their own). */
  readonly pause: () => Promise<void>;
  readonly batch: number;
}

export const DEFAULT_PACING: Pacing = { pause: () => delay(PACE_MS), batch: PACED_BATCH };

/**
 * Writes `elements` in order, `pacing.batch` at a time through `writeAll`, pausing between batches; stops early once
 * `goOn` says no (the connection it was for is gone). Rejects as soon as a batch fails.
 */
export async function writePaced(elements: readonly Element[], writeAll: (batch: readonly Element[]) => Promise<void>, pacing: Pacing = DEFAULT_PACING, goOn: () => boolean = () => true): Promise<void> {
  for (let start = 0; start < elements.length; start += pacing.batch) {
    if (start > 0) await pacing.pause();
    if (!goOn()) return;
    await writeAll(elements.slice(start, start + pacing.batch));
  }
}
