/**
 * The XMPP users of the gateway who are told an admin's announcement and the message of the day (core/announcements.ts,
 * core/message-of-the-day.ts), as ejabberd's and Prosody's mod_announce and mod_motd tell the users of a host. Here an
 * XMPP user of the gateway is either a subscriber of its domain (gateway-contact.ts, gateway_subscribers) or a JID
 * linked to a native user, and is told only while online to the gateway: while her server sends the gateway her
 * presence, which it does only for a subscription she approved. A JID that merely sent a stanza is nobody's audience,
 * so that nobody can make the gateway write to JIDs of their choosing; the store's subscriber caps bound the rest.
 *
 * An announcement goes once per person, to her bare JID as a `headline` from the domain: her server gives a headline to
 * a bare JID to every available resource and keeps none for later (RFC 6121 8.5.2.1.1 and 8.5.2.2.1), so each client
 * has it once and nobody offline is queued anything. The message of the day goes to each new session of hers (a
 * resource the gateway had not seen available), to that full JID only, as mod_motd shows it at each login; after a
 * restart of the gateway her sessions are new to it, and are shown it once more.
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { Announcement, AnnouncementReach } from "../../core/announcements.js";
import { MAX_RESOURCES } from "./resource-presence.js";

/** The most people kept online at once: the subscribers' cap (gateway-contact.ts MAX_SUBSCRIBERS) and some linked JIDs. */
export const MAX_AUDIENCE = 20_000;

export class AnnouncementAudience {
  /** Bare JID (lower case) -> the resources available now. */
  private readonly online = new Map<string, Set<string>>();
  private sent = 0;

  constructor(
    private readonly domain: string,
    private readonly write: (elements: readonly Element[]) => Promise<void>,
    /** The message of the day now, or undefined for none. */
    private readonly motd: () => Announcement | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * `bareJid`'s `resource` ("" for none) is available: a session new to the gateway is shown the message of the day.
   * The caller checked that she is someone to tell (a subscriber, a linked JID).
   */
  available(bareJid: string, resource: string): void {
    let resources = this.online.get(bareJid);
    if (resources === undefined) {
      if (this.online.size >= MAX_AUDIENCE) return;
      resources = new Set();
      this.online.set(bareJid, resources);
    }
    if (resources.has(resource) || resources.size >= MAX_RESOURCES) return;
    resources.add(resource);
    const motd = this.motd();
    if (motd !== undefined) this.send([this.headline(resource === "" ? bareJid : `${bareJid}/${resource}`, motd)]);
  }

  /** `bareJid`'s `resource` went offline (or all of her, `resource` undefined: she is no longer one to tell). */
  unavailable(bareJid: string, resource?: string): void {
    const resources = this.online.get(bareJid);
    if (resources === undefined) return;
    if (resource !== undefined) resources.delete(resource);
    if (resource === undefined || resources.size === 0) this.online.delete(bareJid);
  }

  /** Tells everyone online now, once each (to the bare JID): whom it reached. */
  announce(announcement: Announcement): AnnouncementReach {
    let sessions = 0;
    for (const resources of this.online.values()) sessions += resources.size;
    this.send([...this.online.keys()].map((jid) => this.headline(jid, announcement)));
    return { users: this.online.size, sessions };
  }

  /** The connection to the server was lost: who is online is learnt again (probes, presence) after the reconnect. */
  clear(): void {
    this.online.clear();
  }

  private send(elements: Element[]): void {
    if (elements.length > 0) this.write(elements).catch(this.onError);
  }

  /** As Prosody's mod_announce: a headline from the domain, with the subject when there is one. */
  private headline(to: string, announcement: Announcement): Element {
    this.sent += 1;
    const id = `gw-announce-${Date.now().toString(36)}-${this.sent}`;
    return xml("message", { from: this.domain, to, type: "headline", id }, ...(announcement.subject === undefined ? [] : [xml("subject", {}, announcement.subject)]), xml("body", {}, announcement.body));
  }
}
