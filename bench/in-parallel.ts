/**
 * A bounded pool of async tasks, for the setup steps of the benches (handshakes, logins, channel joins): as many
 * at once as the servers take without refusing or timing out, and no more.
 */

/** Runs `task(0)` .. `task(count - 1)`, at most `concurrency` at a time; the results in order. */
export async function inParallel<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
