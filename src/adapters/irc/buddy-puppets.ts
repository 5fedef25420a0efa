/**
 * A person's buddy list on IRC (core/buddy-offers.ts, docs/irc.md "Your buddy list on IRC"). For a nick linked
 * to a person, each contact of the person on another network is a puppet (puppet-pool.ts) that is kept
 * connected while the contact is online as the person may see them, AWAY while away, extended away or busy, and
 * quits when they go offline: so the nick can MONITOR the puppets (IRCv3 MONITOR, or ISON and WHOIS where the
 * server lacks it) like any IRC user. A query `contacts` to the gateway's nick lists the puppets with their status.
 *
 * The core decides what the nick may see: it sends a contact's presence here (Adapter.sendPresence to the nick)
 * only when the person may see it. A puppet, once connected, is seen by everybody on the network, as any
 * puppet is. Kept puppets count against `puppets.max_connections` (puppet-pool.ts makes room with other puppets
 * first, then with the kept one idle longest, which comes back with its contact's next presence change).
 */
import type { ContactShowChange } from "../../core/adapter.js";
import type { Logger } from "../../core/logger.js";
import { addressKey, formatAddress, type Address } from "../../core/model/address.js";
import type { Presence } from "../../core/model/presence.js";
import type { PuppetPool } from "./puppet-pool.js";

/** At most this many contacts are listed in answer to `contacts` (one NOTICE line each). */
const MAX_LISTED = 50;
/** Characters per listed contact: well within an IRC line with its prefix. */

export interface BuddyPuppetsOptions {
  readonly pool: Pick<PuppetPool, "keep" | "setPresence" | "puppetFor" | "of">;
  /** The nick a person's puppet has or would have. */
  readonly nickFor: (person: Address) => string;
  readonly log: Logger;
}

interface ShownContact {
  readonly contact: Address;
  /** Viewer nick (ASCII lower case) -> the person's name for the contact. */
  readonly viewers: Map<string, string>;
}

export class BuddyPuppets {
  private readonly shown = new Map<string, ShownContact>();
  /** The last presence of each shown contact told to a viewer. */
  private readonly seen = new Map<string, Presence>();

  constructor(private readonly options: BuddyPuppetsOptions) {}

  /** A contact of a person is shown to (or withdrawn from) the person's linked nick `viewer`. */
  show(viewer: Address, contact: Address, name: string, change: ContactShowChange): void {
    const key = addressKey(contact);
    const nick = viewer.id.toLowerCase();
    if (change === "withdrawn") {
      const entry = this.shown.get(key);
      if (!entry?.viewers.delete(nick) || entry.viewers.size > 0) return;
      this.shown.delete(key);
      this.seen.delete(key);
      this.options.pool.keep(contact, false);
      return;
    }
    const entry = this.shown.get(key) ?? { contact, viewers: new Map<string, string>() };
    entry.viewers.set(nick, name);
    this.shown.set(key, entry);
  }

  /** The core tells `to` the presence of presence.from: for a shown contact, their puppet follows it. */
  presence(presence: Presence, to: Address): void {
    const key = addressKey(presence.from);
    if (!this.shown.get(key)?.viewers.has(to.id.toLowerCase())) return;
    this.seen.set(key, presence);
    const online = presence.show !== "offline";
    this.options.pool.keep(presence.from, online);
    this.options.pool.setPresence(presence);
    if (!online) return;
    this.options.pool.puppetFor(presence.from).catch((error: unknown) => this.options.log.info({ err: error, person: key }, "kept IRC puppet not connected"));
  }

  /** Commands in a query to the gateway's nick: `contacts` lists the puppets of the sender's buddy list. */
  command(nick: string, text: string, mode: "puppets" | "relay"): string[] | undefined {
    if (text.trim().toLowerCase() !== "contacts") return undefined;
    if (mode !== "puppets") return ["This network is bridged in relay mode: there are no puppets to watch."];
    return this.list(nick) ?? ["No contacts to show: link this nick to your Switchboard account (identity.link), and add contacts there."];
  }

  /** The answer to `contacts` from `nick`: one line per contact shown to it, undefined when none is. */
  list(nick: string): string[] | undefined {
    const folded = nick.toLowerCase();
    const lines: string[] = [];
    for (const [key, entry] of this.shown) {
      const name = entry.viewers.get(folded);
      if (name === undefined) continue;
      const puppet = this.options.pool.of(entry.contact)?.connection.nick ?? this.options.nickFor(entry.contact);
      const presence = this.seen.get(key);
      const status = presence === undefined ? "not shared" : presence.status === "" ? presence.show : `${presence.show}: ${presence.status}`;
      lines.push(`${puppet} (${name}, ${formatAddress(entry.contact)}): ${status}`); // made one line where it is sent
    }
    if (lines.length === 0) return undefined;
    const more = lines.length - MAX_LISTED;
    return more > 0 ? [...lines.slice(0, MAX_LISTED), `... and ${more} more`] : lines;
  }
}
