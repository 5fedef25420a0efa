/**
 * The form in which two names people go by on a network (IRC puppets' nicks, core/name-claims.ts) are compared: the
 * same after folding is the same name. Lower case, and IRC's rfc1459 case mapping on top (RFC 1459 section 2.2:
 * "[]\~" are the upper case of "{}|^"), the default of most servers: on such a server "al|ce[sb]" and "AL\ce{sb}"
 * are one nick, so one person's claim must cover both. On a server with ascii case mapping this folds a few names
 * together that are distinct there, which only keeps a namesake from a name alike to another's.
 */
const RFC1459_LOWER: Readonly<Record<string, string>> = { "[": "{", "]": "}", "\\": "|", "~": "^" };

export function foldName(name: string): string {
  return name.toLowerCase().replace(/[[\]\\~]/g, (char) => RFC1459_LOWER[char] ?? char);
}
