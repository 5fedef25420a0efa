/**
 * Remembers the results of a pure function of strings, so that hot paths do not parse the same text again for
 * every message (a JID per stanza, the same few per conversation). At most `capacity` results per first
 * argument are kept; when full, they are all forgotten at once (no bookkeeping per hit, and a flood of distinct
 * texts costs no more memory than `capacity`). A call that throws is not remembered: it throws every time.
 */
export function memoizeStrings<T>(compute: (text: string, scope: string) => T, capacity = 10_000): (text: string, scope?: string) => T {
  const scopes = new Map<string, Map<string, T>>();
  return (text, scope = "") => {
    let results = scopes.get(scope);
    if (results === undefined) {
      results = new Map();
      scopes.set(scope, results);
    }
    const known = results.get(text);
    if (known !== undefined) return known;
    const result = compute(text, scope);
    if (results.size >= capacity) results.clear();
    results.set(text, result);
    return result;
  };
}
