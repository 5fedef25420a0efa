/**
 * Nicks whose lines and comings and goings are never relayed, so that two bridges cannot loop: the gateway's own
 * nicks, another bridge's bots (ignore_nicks) and puppets made from our template (ours or another instance's).
 */
import { wildcardPattern } from "../../util/wildcard.js";

/**
 * A `*`/`?` pattern, or a nick template ("{name}[sb]"), as an anchored ASCII case-insensitive regular
 * expression. A template's nicks may carry the suffix of a resolved collision ("alice[sb]_", "alice[sb]_2").
 */
export function nickPattern(pattern: string, template = false): RegExp {
  if (!template) return wildcardPattern(pattern);
  let source = "";
  for (const part of pattern.split(/(\{name\}|\{network\})/)) {
    if (part === "{name}" || part === "{network}") source += ".+";
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}(?:_\\d*)?$`, "i");
}

/**
 * Whether a nick template has text of its own besides its placeholders (`[sb]` in `{name}[sb]`). Without it
 * (`{name}`, `{name}{network}`) every nick fits the template, so puppets cannot be told from people by their nick.
 */
export function templateHasFixedText(template: string): boolean {
  return template.replace(/\{name\}|\{network\}/g, "") !== "";
}

/** What puppets' nicks look like, for people: `<name>[sb]`. */
export function puppetNickShape(template: string, network: string): string {
  return template.replace("{name}", "<name>").replace("{network}", network);
}

export class BridgeNicks {
  /**
   * Anyone's puppets made from our template: undefined for a template without text of its own, which every nick
   * would fit (were it used, nobody's lines would be relayed): then only our own puppets are known, by their nicks.
   */
  private readonly template: RegExp | undefined;
  /** Other bridges' nicks (ignore_nicks). */
  private readonly ignored: readonly RegExp[];

  constructor(
    template: string,
    ignoreNicks: readonly string[],
    private readonly isOwnNick: (nick: string) => boolean,
  ) {
    this.template = templateHasFixedText(template) ? nickPattern(template, true) : undefined;
    this.ignored = ignoreNicks.map((pattern) => nickPattern(pattern));
  }

  /** Our own nicks, another bridge's bots, and puppets made from our template (ours or another instance's). */
  isBridge(nick: string): boolean {
    return this.isOwnNick(nick) || this.template?.test(nick) === true || this.ignored.some((pattern) => pattern.test(nick));
  }

  /** Someone not of this gateway whose nick fits the puppet template (and is no other bridge's, ignore_nicks). */
  isLookalike(nick: string): boolean {
    return !this.isOwnNick(nick) && this.template?.test(nick) === true && !this.ignored.some((pattern) => pattern.test(nick));
  }
}
