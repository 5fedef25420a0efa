/**
 * A phase's result in words, the same in every bench: the line logged after each phase (delivered, rate, latency,
 * errors, whether it finished) and the correctness cell of the results tables (lost/duplicated/reordered/errors/
 * stray, summed over phases and runs).
 */
import type { PhaseResult } from "./traffic-phase.js";

/** "N in S s = R msg/s", then latency, error codes and "INCOMPLETE" when there are any. */
export function describePhase(result: PhaseResult): string {
  const latency = result.latency ? `, p50 ${result.latency.p50.toFixed(2)} p99 ${result.latency.p99.toFixed(2)} max ${result.latency.max.toFixed(2)} ms` : "";
  const errors = result.errors > 0 ? `, errors ${JSON.stringify(result.errorCodes)}` : "";
  const incomplete = result.complete ? "" : ` INCOMPLETE (${result.delivered}/${result.expected})`;
  return `${result.delivered} in ${result.seconds.toFixed(2)} s = ${Math.round(result.deliveredPerSecond)} msg/s${latency}${errors}${incomplete}`;
}

/** "lost/duplicated/reordered/errors/stray" summed over `phases`; `extraStray` adds frames received outside them. */
export function correctnessText(phases: Iterable<PhaseResult>, extraStray = 0): string {
  let lost = 0;
  let duplicated = 0;
  let reordered = 0;
  let errors = 0;
  let stray = extraStray;
  for (const phase of phases) {
    lost += phase.lost;
    duplicated += phase.duplicated;
    reordered += phase.reordered;
    errors += phase.errors;
    stray += phase.stray;
  }
  return `${lost}/${duplicated}/${reordered}/${errors}/${stray}`;
}
