/** Patterns with `*` (any run of characters) and `?` (one character), compared case-insensitively (ASCII and beyond). */
export function wildcardPattern(pattern: string): RegExp {
  let source = "";
  for (const part of pattern.split(/(\*|\?)/)) {
    if (part === "*") source += ".*";
    else if (part === "?") source += ".";
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "iu");
}
