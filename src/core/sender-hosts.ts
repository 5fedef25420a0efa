/**
 * Who the IRC senders the gateway sees are, beyond their nick: each nick's user@host as last seen on a line, and the
 * nicks each user@host had since the gateway last saw it quit. Told by the IRC adapter (AdapterContext.senderHosts:
 * every line it takes, every NICK and QUIT its connections see) before it submits the line, and read by the block
 * lists (core/blocklist.ts): a block of a hostmask (`irc://libera/*!*@host`, as IRC's /ignore) is matched against the
 * sender's `nick!user@host`, and a block of a nick holds against the same user@host under another nick until it quits,
 * so that a blocked nick cannot get round the block by a NICK.
 *
 * In memory only, bounded per network (the oldest forgotten first): what the gateway has not seen (a sender who shares
 * no channel with it changed nick and says nothing) it cannot know; a sender it never saw is matched by nick alone.
 */
import type { Address } from "./model/address.js";
import { foldNick } from "./block-masks.js";

/** How many nicks, and as many user@hosts, one network's record holds. */
const CAPACITY = 10_000;
/** How many nicks one user@host keeps: the latest, and past them those a block names (Pinned), so 20 NICKs do not shed a block. */
const NICKS_PER_HOST = 20;

/** Whether someone blocked nick `nick` (folded) of IRC network `network` (lower case): such a nick is kept past NICKS_PER_HOST. */
export type Pinned = (network: string, nick: string) => boolean;

/** What an IRC adapter tells of the senders it sees on its network. */
export interface SenderHostSink {
  /** A line from `nick`, whose prefix says `user@host`. */
  seen(nick: string, user: string, host: string): void;
  /** A NICK: whoever was `from` is `to` now. */
  renamed(from: string, to: string): void;
  /** A QUIT of `nick`: its user@host's nicks are forgotten. */
  quit(nick: string): void;
}

/** A sender as last seen: `nick!user@host` (the nick as written) and the nicks of that user@host since it last quit (folded). */
export interface SeenSender {
  readonly prefix: string;
  readonly nicks: readonly string[];
}

/** A Map forgetting its oldest entries past CAPACITY. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > CAPACITY) map.delete(map.keys().next().value as string);
}

class NetworkHosts implements SenderHostSink {
  constructor(
    private readonly network: string,
    private readonly pinned: Pinned,
  ) {}

  /** Folded nick -> "user@host" (host lower-cased) and the nick as written. */
  private readonly hosts = new Map<string, { userhost: string; nick: string }>();
  /** "user@host" -> its folded nicks since it last quit. */
  private readonly nicks = new Map<string, string[]>();

  seen(nick: string, user: string, host: string): void {
    if (user === "" || host === "") return;
    const userhost = `${user}@${host.toLowerCase()}`;
    remember(this.hosts, foldNick(nick), { userhost, nick });
    this.add(userhost, foldNick(nick));
  }

  renamed(from: string, to: string): void {
    const known = this.hosts.get(foldNick(from));
    if (known === undefined) return;
    this.hosts.delete(foldNick(from));
    remember(this.hosts, foldNick(to), { userhost: known.userhost, nick: to });
    this.add(known.userhost, foldNick(to));
  }

  quit(nick: string): void {
    const known = this.hosts.get(foldNick(nick));
    if (known === undefined) return;
    this.hosts.delete(foldNick(nick));
    this.nicks.delete(known.userhost);
  }

  of(nick: string): SeenSender | undefined {
    const known = this.hosts.get(foldNick(nick));
    if (known === undefined) return undefined;
    return { prefix: `${known.nick}!${known.userhost}`, nicks: this.nicks.get(known.userhost) ?? [foldNick(nick)] };
  }

  private add(userhost: string, folded: string): void {
    const list = (this.nicks.get(userhost) ?? []).filter((other) => other !== folded);
    list.push(folded);
    // Past the bound, the oldest nick no block names goes: a blocked one stays however many NICKs follow it.
    for (let index = 0; list.length > NICKS_PER_HOST && index < list.length - 1; ) {
      const nick = list[index];
      if (nick !== undefined && !this.pinned(this.network, nick)) list.splice(index, 1);
      else index++;
    }
    remember(this.nicks, userhost, list);
  }
}

export class SenderHosts {
  private readonly networks = new Map<string, NetworkHosts>();

  /** `pinned`: whether a nick is blocked by anyone (Blocklist.blocksNick), kept then past NICKS_PER_HOST. */
  constructor(private readonly pinned: Pinned = () => false) {}

  /** What the adapter of IRC network `network` tells. */
  of(network: string): SenderHostSink {
    return this.network(network);
  }

  /** An IRC sender as last seen, or undefined (not IRC, or not seen). */
  seenAs(sender: Address): SeenSender | undefined {
    if (sender.protocol !== "irc") return undefined;
    return this.networks.get(sender.account.toLowerCase())?.of(sender.id);
  }

  private network(name: string): NetworkHosts {
    const key = name.toLowerCase();
    let hosts = this.networks.get(key);
    if (hosts === undefined) {
      hosts = new NetworkHosts(key, this.pinned);
      this.networks.set(key, hosts);
    }
    return hosts;
  }
}
