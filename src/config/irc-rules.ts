/**
 * The IRC rules that the configuration checks itself, since src/config never imports an adapter (eslint.config.js,
 * docs/architecture.md). They restate two rules of the IRC adapter, and must accept exactly what it accepts:
 *   usableFallbackEncoding  src/adapters/irc/encoding.ts isSupportedEncoding: a label Node's TextDecoder knows
 *                           (after trimming) that decodes printable ASCII, tab, CR and LF to themselves
 *   nickTemplateProblem     src/adapters/irc/nicks.ts nickTemplateProblem: placeholders {name} (exactly once)
 *                           and {network} only, every other character one a nick may hold (RFC 2812 2.3.1)
 * Messages are written to follow a key path ("irc.networks.0.puppets.nick_template: must ...").
 */
import { TextDecoder } from "node:util";

/** Printable ASCII, tab, CR and LF: the command, prefix and separators of a line must read the same. */
const ASCII_PROBE = Uint8Array.from([0x09, 0x0a, 0x0d, ...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i)]);
const ASCII_TEXT = String.fromCharCode(...ASCII_PROBE);

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PLACEHOLDERS: ReadonlySet<string> = new Set(["name", "network"]);
const NICK_CHAR = /^[A-Za-z0-9[\]\\`_^{|}-]$/;

/** True when `label` can be an IRC network's encoding_fallback (see the header). */
export function usableFallbackEncoding(label: string): boolean {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label.trim().toLowerCase());
  } catch {
    return false;
  }
  return decoder.decode(ASCII_PROBE) === ASCII_TEXT;
}

/** What is wrong with a puppet nick template, as the end of "<key>: ...", or undefined when it is usable. */
export function nickTemplateProblem(template: string): string | undefined {
  const names = [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? "");
  const unknown = names.find((name) => !PLACEHOLDERS.has(name));
  if (unknown !== undefined) return `must use only the placeholders {name} and {network}, got {${unknown}} in ${JSON.stringify(template)}`;
  if (names.filter((name) => name === "name").length !== 1) return `must contain {name} exactly once, got ${JSON.stringify(template)}`;
  const bad = [...template.replace(PLACEHOLDER, "")].find((char) => !NICK_CHAR.test(char));
  if (bad !== undefined) {
    return `must hold only characters a nick may hold besides its placeholders (letters, digits, [ ] \\ \` _ ^ { | } -), got ${JSON.stringify(bad)} in ${JSON.stringify(template)}`;
  }
  return undefined;
}

/**
 * An IRC name folded for comparison in the configuration: A-Z to a-z only. Every server case mapping (ascii,
 * rfc1459, strict-rfc1459, rfc7613) folds at least these, so two names equal here are equal on any server.
 */
export function foldAscii(name: string): string {
  return name.replace(/[A-Z]/g, (char) => char.toLowerCase());
}
