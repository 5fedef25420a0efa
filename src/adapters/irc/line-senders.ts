/**
 * Who said each recent line the gateway took from IRC, for its failure report (core/failure-reports.ts): a nick
 * names whoever holds it now, and the sender may have quit, or changed nick, and someone else taken theirs by the
 * time a report is made (it may wait in the store through a reconnect). On IRC a person is their nick plus
 * user@host (and their services account, when the server tags lines with it: IRCv3 account-tag); each line keeps
 * its sender as they were then, and the sender's nick follows the NICK changes the gateway's connection sees.
 *
 * The nick is followed per user@host under a nick (Whereabouts), not per line: all the lines one client said
 * under a nick follow its NICKs together, whatever account each carried (she may log in or out between lines), so
 * that no earlier line is left behind under a nick she no longer has. A QUIT ends the following: a line keeps the
 * nick its sender had last, and a NICK by whoever takes that nick next does not carry it away (the same user@host
 * back under it and saying a line is followed again).
 *
 * Whether the nick's holder is the same person at report time is asked of the server (USERHOST, userhost-lookup.ts;
 * WHOIS, account-watch.ts) and decided by isSender. Bounded: the last LINES lines, and as many nicks.
 */
import type { SenderHostSink } from "../../core/sender-hosts.js";
import type { IrcSource } from "./irc-line.js";

/** How many recent lines (and people) are remembered; older lines' reports are dropped. */
const LINES = 10_000;

/** Where one client (a user@host under a nick) is now, as far as the gateway saw; shared by its lines' senders. */
interface Whereabouts {
  nick: string;
  readonly user: string;
  readonly host: string;
  /** It quit under `nick`: a NICK from that nick is someone else's, until the same user@host speaks there again. */
  gone: boolean;
}

/** The sender of a line: `nick` is the nick they have now, as far as the gateway saw. */
export class IrcPerson {
  constructor(
    private readonly at: Whereabouts,
    /** Their services account at the time of the line, when the server said (account-tag). */
    readonly account: string | undefined,
  ) {}

  get nick(): string {
    return this.at.nick;
  }

  get user(): string {
    return this.at.user;
  }

  get host(): string {
    return this.at.host;
  }
}

/** One entry of a USERHOST reply (RFC 2812 section 4.8, RPL_USERHOST 302): "nick[*]=[+-]user@host". */
export interface UserhostEntry {
  readonly nick: string;
  readonly user: string;
  readonly host: string;
}

/** The entries of RPL_USERHOST's text (malformed ones skipped). */
export function parseUserhostReply(text: string): UserhostEntry[] {
  const entries: UserhostEntry[] = [];
  for (const word of text.split(" ")) {
    const match = /^([^=*]+)\*?=[+-]([^@]*)@(.+)$/.exec(word);
    if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) entries.push({ nick: match[1], user: match[2], host: match[3] });
  }
  return entries;
}

/** Whether the holder of a nick (a USERHOST entry) has a line's sender's user@host. */
export function samePerson(person: IrcPerson, holder: UserhostEntry): boolean {
  return person.user === holder.user && person.host.toLowerCase() === holder.host.toLowerCase();
}

/**
 * Whether the holder of the sender's nick now (a USERHOST entry) is the line's sender. When the line carried the
 * sender's services account, the account alone decides: the holder must be logged in to that account now
 * (`holderAccount`, by WHOIS; undefined when logged in to none), whatever their user@host: two clients of one
 * shell or bouncer share a user@host, and the sender may be back from another client. Without an account, the
 * same user@host (`holderAccount` is not read then).
 */
export function isSender(sender: IrcPerson, holder: UserhostEntry, holderAccount: string | undefined): boolean {
  if (sender.account !== undefined) return holderAccount === sender.account;
  return samePerson(sender, holder);
}

/** A Map that forgets its oldest entries past `capacity`. */
class Bounded<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

export class LineSenders {
  /** Told of every sender seen, NICK and QUIT, for the block lists (core/sender-hosts.ts). */
  constructor(private readonly sink?: SenderHostSink) {}

  /** Gateway message id -> its sender. */
  private readonly lines = new Bounded<IrcPerson>(LINES);
  /** Nick (ASCII lower case) -> the client that said a recent line under it, as followed through NICK. */
  private readonly people = new Bounded<Whereabouts>(LINES);

  /**
   * A line from `source`, tagged with `account` or not: its sender, who follows the NICKs of the client seen under
   * the nick before when that is the same user@host; undefined when the line's source has no user@host (the
   * gateway cannot tell them apart later).
   */
  said(source: IrcSource, account?: string): IrcPerson | undefined {
    const { user, host } = source;
    if (user === undefined || host === undefined || user === "" || host === "") return undefined;
    this.sink?.seen(source.nick, user, host);
    const key = source.nick.toLowerCase();
    const known = this.people.get(key);
    const at = known?.user === user && known.host.toLowerCase() === host.toLowerCase() ? known : { nick: source.nick, user, host, gone: false };
    at.nick = source.nick; // as they write it now
    at.gone = false; // back after a QUIT: the same user@host, so the same person as far as lines without an account go
    this.people.set(key, at);
    return new IrcPerson(at, account);
  }

  /** The line has gateway id `id`: told before it is delivered anywhere (SubmitOptions.onAccepted), so before any report of it. */
  accepted(id: string, person: IrcPerson): void {
    this.lines.set(id, person);
  }

  /** A NICK the gateway's connection saw: the client under `from` has `to` now. */
  renamed(from: string, to: string): void {
    this.sink?.renamed(from, to);
    const at = this.people.get(from.toLowerCase());
    if (!at || at.gone) return;
    this.people.delete(from.toLowerCase());
    at.nick = to;
    this.people.set(to.toLowerCase(), at);
  }

  /**
   * A QUIT the gateway's connection saw: the lines said under `nick` keep it, and a NICK from it (by whoever takes
   * it next) does not move them, unless the same user@host says a line under it first.
   */
  quit(nick: string): void {
    this.sink?.quit(nick);
    const at = this.people.get(nick.toLowerCase());
    if (at) at.gone = true;
  }

  /** Who said message `id`, under the nick they have now as far as the gateway saw; undefined when it does not know. */
  senderOf(id: string): IrcPerson | undefined {
    return this.lines.get(id);
  }
}
