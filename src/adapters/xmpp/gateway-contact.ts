/**
 * The gateway's domain as a roster contact, as a transport is (XEP-0100 sections 4.1 and 6.1; RFC 6121 sections 3
 * and 4.3): an XMPP user subscribes to the bare domain like to anyone, and sees it available while the gateway runs
 * and unavailable when it stops. Its subscribers are kept in the store (gateway_subscribers), so that after a restart
 * they see it come back. The domain asks each new subscriber for her presence in return, as a transport does
 * (XEP-0100 4.1 step 6; also after an in-band registration, registration.ts), and probes its subscribers at each start,
 * in paced batches (paced-writes.ts): her presence only says when she is online to be told announcements and the
 * message of the day (announcement-audience.ts). Subscribers kept before the domain asked in return were never asked:
 * the first start that knows to asks them all once, and the store records that it did (`askedBack`). Her `subscribed` and `unsubscribed` change nothing here: her server then sends or stops
 * sending her presence.
 *
 * Anyone may subscribe, but an XMPP server may mint JIDs without end: at most MAX_SUBSCRIBERS_PER_SERVER JIDs of one
 * server are kept, and a request beyond that is refused (`unsubscribed`); and since domains are cheap too, at most
 * MAX_SUBSCRIBERS in all (each is sent the domain's presence at every start and stop).
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { Logger } from "../../core/logger.js";
import type { GatewaySettingStore, GatewaySubscriberStore } from "../../store/store.js";
import { parseJid, resourceOf, withoutResource, xmppUserAddress } from "./addressing.js";
import type { AnnouncementAudience } from "./announcement-audience.js";
import type { PresenceType } from "./parse.js";
import { DEFAULT_PACING, writePaced, type Pacing } from "./paced-writes.js";
import { subscription } from "./stanzas.js";
import type { StanzaWriter } from "./stanza-writer.js";

export const MAX_SUBSCRIBERS_PER_SERVER = 1000;
export const MAX_SUBSCRIBERS = 10_000;

/** Whether something was done once for good (kept in the store), and its recording. */
export interface OnceRecord {
  done(): Promise<boolean>;
  record(): Promise<void>;
}

/** What the domain's start does beyond its presence: how its bursts are paced, and the record of the one-time ask. */
export interface StartChores {
  readonly pacing?: Pacing;
  /** Whether the subscribers were asked for their presence once (see the header); absent: they are not. */
  readonly askedBack?: OnceRecord;
}

/** The gateway setting that records that the subscribers of `domain` were asked for their presence (a JSON `true`). */
export function askedBackRecord(settings: GatewaySettingStore, domain: string): OnceRecord {
  const name = `xmpp.subscribers_asked_back:${domain}`;
  return { done: async () => (await settings.get(name)) !== undefined, record: () => settings.put(name, "true", Date.now()) };
}

export class GatewayContact {
  /** Counts the domain's starts and stops: a paced burst of an earlier start stops when it is not the last one's. */
  private round = 0;

  constructor(
    private readonly domain: string,
    private readonly subscribers: GatewaySubscriberStore,
    private readonly writer: StanzaWriter,
    private readonly log: Logger,
    /** Who is told announcements: a subscriber's sessions online. */
    private readonly audience?: Pick<AnnouncementAudience, "available" | "unavailable">,
    /** Whether a bare JID is linked to a native user (a registration links it): told too, subscriber or not. */
    private readonly linked: (jid: string) => boolean = () => false,
    private readonly chores: StartChores = {},
  ) {}

  /** A presence stanza from `fromJid` to the bare domain. Nothing here throws for the sender's mistakes. */
  async presence(type: PresenceType, fromJid: string): Promise<void> {
    const jid = bareJid(fromJid);
    if (jid === undefined) return;
    switch (type) {
      case "subscribe":
        return this.subscribe(jid);
      case "unsubscribe":
        // RFC 6121 3.3.3: the contact's server sends unavailable presence to the former subscriber.
        if (await this.subscribers.remove(this.domain, jid)) this.log.info({ jid }, "unsubscribed from the gateway");
        this.audience?.unavailable(jid);
        return this.writer.one(this.presenceTo(jid, "unavailable"));
      case "probe":
        // RFC 6121 4.3.2: a probe from someone who is no subscriber is answered unsubscribed.
        return this.writer.one((await this.subscribers.has(this.domain, jid)) ? this.presenceTo(jid) : subscription(this.domain, jid, "unsubscribed"));
      case "available":
        // A session online of a subscriber's or linked JID's (her server sends it since she approved the domain's subscription to her).
        if (this.audience !== undefined && (this.linked(jid) || (await this.subscribers.has(this.domain, jid)))) this.audience.available(jid, resourceOf(fromJid));
        return;
      case "unavailable":
        this.audience?.unavailable(jid, resourceOf(fromJid));
        return;
      default:
        // Her answers about the domain's subscription to her: the gateway keeps none of them.
        return;
    }
  }

  /**
   * The domain is available: told to every subscriber (the component came online), each probed (RFC 6121 4.3) so that
   * her server tells who of them is online now, where she shares her presence with the domain. Paced (see the header):
   * it settles once the last batch is written, or when the domain went offline before.
   */
  async online(): Promise<void> {
    const round = ++this.round;
    const current = (): boolean => round === this.round;
    const pacing = this.chores.pacing ?? DEFAULT_PACING;
    const subscribers = await this.subscribers.list(this.domain);
    await writePaced(subscribers.flatMap((jid) => [this.presenceTo(jid), subscription(this.domain, jid, "probe")]), this.writer.all, pacing, current);
    const record = this.chores.askedBack;
    if (record === undefined || (await record.done())) return;
    // Her server answers `subscribed` by itself where she approved already (RFC 6121 3.1.3), asks her otherwise.
    await writePaced(subscribers.map((jid) => subscription(this.domain, jid, "subscribe")), this.writer.all, pacing, current);
    if (current()) await record.record();
  }

  /** The domain goes away: told to every subscriber (the component stops). */
  async offline(): Promise<void> {
    this.round += 1;
    const subscribers = await this.subscribers.list(this.domain);
    await this.writer.all(subscribers.map((jid) => this.presenceTo(jid, "unavailable")));
  }

  /** Asks `jid` for a subscription from the domain (XEP-0100 4.1 step 6: after a registration), so the gateway shows in her roster. */
  async ask(jid: string): Promise<void> {
    await this.writer.one(subscription(this.domain, jid, "subscribe"));
  }

  /**
   * `jid` unregistered (XEP-0100 4.3): the domain leaves her roster, both ways (`unsubscribe`, `unsubscribed`), and is
   * gone (`unavailable`).
   */
  async forget(jid: string): Promise<void> {
    await this.subscribers.remove(this.domain, jid);
    this.audience?.unavailable(jid);
    await this.writer.all([subscription(this.domain, jid, "unsubscribe"), subscription(this.domain, jid, "unsubscribed"), this.presenceTo(jid, "unavailable")]);
  }

  private async subscribe(jid: string): Promise<void> {
    const server = parseJid(jid).domain;
    if (!(await this.subscribers.has(this.domain, jid))) {
      const refusal =
        (await this.subscribers.countOn(this.domain, server)) >= MAX_SUBSCRIBERS_PER_SERVER
          ? { max: MAX_SUBSCRIBERS_PER_SERVER, why: "its server has too many subscribers" }
          : (await this.subscribers.count(this.domain)) >= MAX_SUBSCRIBERS
            ? { max: MAX_SUBSCRIBERS, why: "the gateway has too many subscribers" }
            : undefined;
      if (refusal !== undefined) {
        this.log.warn({ jid, server, max: refusal.max }, `subscription to the gateway refused: ${refusal.why}`);
        return this.writer.one(subscription(this.domain, jid, "unsubscribed"));
      }
    }
    if (await this.subscribers.add(this.domain, jid, server, Date.now())) this.log.info({ jid }, "subscribed to the gateway");
    // Her presence in return (XEP-0100 4.1): her server answers at once, without asking her, when she shares it already.
    await this.writer.all([subscription(this.domain, jid, "subscribed"), this.presenceTo(jid), subscription(this.domain, jid, "subscribe")]);
  }

  /** The domain's presence: available (no type) or unavailable, with nothing in it (no show, status or caps). */
  private presenceTo(jid: string, type?: "unavailable"): Element {
    return xml("presence", type === undefined ? { from: this.domain, to: jid } : { from: this.domain, to: jid, type });
  }
}

/** The sender's bare JID as the gateway keeps JIDs (lower case), or undefined for one it cannot read. */
function bareJid(fromJid: string): string | undefined {
  try {
    return xmppUserAddress(withoutResource(fromJid), "xmpp").id;
  } catch {
    return undefined;
  }
}
