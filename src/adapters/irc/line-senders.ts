/**
 * Who said each recent line the gateway took from IRC, for its failure report (core/failure-reports.ts): a nick
 * names whoever holds it now, and the sender may have quit, or changed nick, and someone else taken theirs by the
 * time a report is made (it may wait in the store through a reconnect). On IRC a person is their nick plus
 * user@host (and their services account, when the server tags lines with it: IRCv3 account-tag); each line keeps
 * its sender as they were then, and the sender's nick follows the NICK changes the gateway's connection sees.
 * Whether the nick's holder is the same person at report time is asked of the server (USERHOST, userhost-lookup.ts).
 * Bounded: the last LINES lines, and as many people.
 */
import type { IrcSource } from "./irc-line.js";

/** How many recent lines (and people) are remembered; older lines' reports are dropped. */
const LINES = 10_000;

/** The sender of a line: `nick` is the nick they have now, as far as the gateway saw. */
export interface IrcPerson {
  nick: string;
  readonly user: string;
  readonly host: string;
  /** Their services account at the time of the line, when the server said (account-tag). */
  readonly account?: string;
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

/** Whether the holder of a nick (a USERHOST entry) is the same person as a line's sender: the same user@host. */
export function samePerson(person: IrcPerson, holder: UserhostEntry): boolean {
  return person.user === holder.user && person.host.toLowerCase() === holder.host.toLowerCase();
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
  /** Gateway message id -> its sender. */
  private readonly lines = new Bounded<IrcPerson>(LINES);
  /** Nick (ASCII lower case) -> the person who said a recent line under it, as followed through NICK. */
  private readonly people = new Bounded<IrcPerson>(LINES);

  /**
   * A line from `source`: its sender as they are now (the person seen under the nick before, when the same
   * user@host), or undefined when the line's source has no user@host (the gateway cannot tell them apart later).
   */
  said(source: IrcSource, account?: string): IrcPerson | undefined {
    const { user, host } = source;
    if (user === undefined || host === undefined || user === "" || host === "") return undefined;
    const key = source.nick.toLowerCase();
    const known = this.people.get(key);
    if (known && known.user === user && known.host.toLowerCase() === host.toLowerCase() && known.account === account) {
      known.nick = source.nick; // as they write it now
      return known;
    }
    const person: IrcPerson = { nick: source.nick, user, host, ...(account === undefined ? {} : { account }) };
    this.people.set(key, person);
    return person;
  }

  /** The line has gateway id `id`: told before it is delivered anywhere (SubmitOptions.onAccepted), so before any report of it. */
  accepted(id: string, person: IrcPerson): void {
    this.lines.set(id, person);
  }

  /** A NICK the gateway's connection saw: the person under `from` has `to` now. */
  renamed(from: string, to: string): void {
    const person = this.people.get(from.toLowerCase());
    if (!person) return;
    this.people.delete(from.toLowerCase());
    person.nick = to;
    this.people.set(to.toLowerCase(), person);
  }

  /** Who said message `id`, under the nick they have now as far as the gateway saw; undefined when it does not know. */
  senderOf(id: string): IrcPerson | undefined {
    return this.lines.get(id);
  }
}
