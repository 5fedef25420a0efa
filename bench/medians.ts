/**
 * Medians over the runs of a bench (--runs N): every figure a bench prints for several runs is the median of that
 * figure over the runs, computed here, so that all benches summarize runs the same way.
 */

/** The median of `values`; NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A record of figures whose every figure is the median of that figure over `records` (the keys of the first). */
export function medianRecord<T extends object>(records: readonly T[]): T | undefined {
  const first = records[0];
  if (first === undefined) return undefined;
  const keys = Object.keys(first) as (keyof T)[];
  return Object.fromEntries(keys.map((key) => [key, median(records.map((record) => record[key] as number))])) as T;
}
