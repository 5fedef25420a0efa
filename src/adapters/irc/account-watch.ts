/**
 * Which services account watched nicks are logged in to (IRC nicks linked to a person with their account,
 * docs/bridging.md "Linking accounts"), from the gateway's own connection:
 * - IRCv3 account-notify: `ACCOUNT <name>` at login, `ACCOUNT *` at logout, for users sharing a channel with us
 *   (https://ircv3.net/specs/extensions/account-notify);
 * - IRCv3 extended-join: the account in every JOIN ("*" = none) (https://ircv3.net/specs/extensions/extended-join);
 * - WHOIS: RPL_WHOISACCOUNT (330, "<nick> <account> :is logged in as") before RPL_ENDOFWHOIS (318); a WHOIS
 *   that ends without 330 (or with ERR_NOSUCHNICK first) means not logged in. Asked when a nick is first
 *   watched, when it comes online (MONITOR, ISON, a NICK to it), at every poll while it is logged in (a logout
 *   outside shared channels sends no ACCOUNT), and on demand (lookup: the account at link time).
 * A QUIT or a NICK away from a nick leaves it logged in to nothing. Each state is reported when first learnt
 * and at every change; losing the connection reports every nick seen logged in as not logged in (nobody knows
 * who holds it meanwhile), until a WHOIS on the next connection says again.
 */
import { GatewayError } from "../../core/errors.js";

/** How long a lookup waits for the end of its WHOIS. */
const LOOKUP_TIMEOUT_MS = 10_000;

export type LinkAccountPolicy = "when_logged_in" | "required" | "off";

/**
 * The account a link of `nick` is bound to, by the network's `link_accounts` policy: off binds none without
 * asking; otherwise `lookup` (WHOIS) says the account the nick is logged in to now, and a nick logged in to none
 * is linked alone (when_logged_in) or refused with GW_ERR_FORBIDDEN, condition "not-logged-in" (required).
 */
export async function accountToBind(policy: LinkAccountPolicy, nick: string, network: string, lookup: (nick: string) => Promise<string | undefined>): Promise<string | undefined> {
  if (policy === "off") return undefined;
  const account = await lookup(nick);
  if (account !== undefined || policy === "when_logged_in") return account;
  throw new GatewayError("GW_ERR_FORBIDDEN", `${nick} is not logged in to a services account, which ${network} requires for links: identify to services (NickServ), then send the code again`, {
    condition: "not-logged-in",
  });
}

export interface AccountWatchConnection {
  send(command: string, params: readonly string[]): void;
}

interface Entry {
  readonly nick: string;
  /** False until a report was made for this nick on this connection. */
  known: boolean;
  account: string | undefined;
  /** Seen online (MONITOR, ISON) since it was last seen gone: an ISON poll saying so again asks nothing. */
  present: boolean;
}

interface Lookup {
  resolve(account: string | undefined): void;
  reject(error: GatewayError): void;
}

export class AccountWatch {
  /** Watched nicks (ASCII lower case). */
  private readonly watched = new Map<string, Entry>();
  /** Nicks with a WHOIS under way (ASCII lower case) -> the account its 330 named, if any yet. */
  private readonly answers = new Map<string, string | undefined>();
  private readonly lookups = new Map<string, Lookup[]>();
  private connection: AccountWatchConnection | undefined;

  constructor(
    private readonly report: (nick: string, account: string | undefined) => void,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly lookupTimeoutMs = LOOKUP_TIMEOUT_MS,
  ) {}

  /** A connection is up: every watched nick is asked about on it. */
  attach(connection: AccountWatchConnection): void {
    this.connection = connection;
    for (const entry of this.watched.values()) this.whois(entry.nick);
  }

  /** The connection is gone: nobody is known to be logged in any more (reported unless `quiet`: stopping), and lookups fail. */
  detach(quiet = false): void {
    this.connection = undefined;
    this.answers.clear();
    for (const entry of this.watched.values()) {
      const was = entry.known ? entry.account : undefined;
      entry.known = false;
      entry.account = undefined;
      entry.present = false;
      if (was !== undefined && !quiet) this.report(entry.nick, undefined);
    }
    const error = new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection was lost before the services account was known", { retryable: true });
    for (const waiting of this.lookups.values()) for (const lookup of waiting) lookup.reject(error);
    this.lookups.clear();
  }

  watch(nick: string): void {
    const key = nick.toLowerCase();
    if (this.watched.has(key)) return;
    this.watched.set(key, { nick, known: false, account: undefined, present: false });
    this.whois(nick);
  }

  /** The nick's link is gone: nothing more is asked or reported about it (a lookup under way still gets its answer). */
  unwatch(nick: string): void {
    this.watched.delete(nick.toLowerCase());
  }

  isWatched(nick: string): boolean {
    return this.watched.has(nick.toLowerCase());
  }

  /** The account `nick` is logged in to now, by WHOIS (undefined: not logged in, or not on the network). */
  lookup(nick: string): Promise<string | undefined> {
    if (!this.connection) return Promise.reject(new GatewayError("GW_ERR_UNAVAILABLE", "the IRC network is not connected", { retryable: true }));
    const key = nick.toLowerCase();
    return new Promise<string | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.lookups.set(key, (this.lookups.get(key) ?? []).filter((entry) => entry !== lookup));
        reject(new GatewayError("GW_ERR_UNAVAILABLE", `no answer to WHOIS ${nick} within ${this.lookupTimeoutMs} ms`, { retryable: true }));
      }, this.lookupTimeoutMs);
      const lookup: Lookup = {
        resolve: (account) => {
          clearTimeout(timer);
          resolve(account);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.lookups.set(key, [...(this.lookups.get(key) ?? []), lookup]);
      if (!this.whois(nick)) this.failLookups(key, new GatewayError("GW_ERR_UNAVAILABLE", `WHOIS ${nick} could not be sent`, { retryable: true }));
    });
  }

  /** ACCOUNT (account-notify) or an extended JOIN: `nick` is logged in to `account` (undefined: logged out). */
  loggedIn(nick: string, account: string | undefined): void {
    const entry = this.watched.get(nick.toLowerCase());
    if (entry) this.set(entry, account);
  }

  /** RPL_WHOISACCOUNT (330). */
  whoisAccount(nick: string, account: string): void {
    this.answers.set(nick.toLowerCase(), account);
  }

  /** RPL_ENDOFWHOIS (318): the account its 330 named, or none. */
  whoisEnd(nick: string): void {
    const key = nick.toLowerCase();
    const account = this.answers.get(key);
    this.answers.delete(key);
    const entry = this.watched.get(key);
    if (entry) this.set(entry, account);
    const waiting = this.lookups.get(key) ?? [];
    this.lookups.delete(key);
    for (const lookup of waiting) lookup.resolve(account);
  }

  /** Watched nicks seen online (MONITOR, ISON): who holds each now is asked, once per time it comes online. */
  online(nicks: readonly string[]): void {
    for (const nick of nicks) {
      const entry = this.watched.get(nick.toLowerCase());
      if (!entry || entry.present) continue;
      entry.present = true;
      this.whois(nick);
    }
  }

  /** A nick quit or went offline: whoever takes it next is asked about anew. */
  gone(nick: string): void {
    const entry = this.watched.get(nick.toLowerCase());
    if (!entry) return;
    entry.present = false;
    this.set(entry, undefined);
  }

  /** A NICK change: the account goes with the user; a watched new nick is asked about unless its account is known. */
  renamed(from: string, to: string): void {
    const before = this.watched.get(from.toLowerCase());
    const known = before?.known === true ? before.account : undefined;
    this.gone(from);
    const entry = this.watched.get(to.toLowerCase());
    if (!entry) return;
    entry.present = true;
    if (before?.known === true) this.set(entry, known);
    else this.whois(to);
  }

  /** Asks again about every watched nick logged in now: a logout outside shared channels sends no ACCOUNT. */
  poll(): void {
    for (const entry of this.watched.values()) if (entry.known && entry.account !== undefined) this.whois(entry.nick);
  }

  private whois(nick: string): boolean {
    if (!this.connection) return false;
    try {
      this.connection.send("WHOIS", [nick]);
      return true;
    } catch (error: unknown) {
      this.onError(error);
      return false;
    }
  }

  private failLookups(key: string, error: GatewayError): void {
    const waiting = this.lookups.get(key) ?? [];
    this.lookups.delete(key);
    for (const lookup of waiting) lookup.reject(error);
  }

  private set(entry: Entry, account: string | undefined): void {
    if (entry.known && entry.account === account) return;
    entry.known = true;
    entry.account = account;
    this.report(entry.nick, account);
  }
}
