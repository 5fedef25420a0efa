/**
 * The message of the day, as ejabberd's mod_announce keeps it (XEP-0133 sections 4.24 to 4.26, set, edit and delete
 * the message of the day): an admin of the gateway (config `admins`) sets a text that every native user is shown at
 * each login, after the login's answer, until an admin clears it (and the XMPP component's users at each new session,
 * adapters/xmpp/announcement-audience.ts, which reads it through AdapterContext.messageOfTheDay). Setting it shows it
 * at once to the users online too (Adapter.announce, as an announcement); editing it (XEP-0133's edit-motd) only
 * changes what the next logins show.
 * Kept in the store (gateway_settings, as JSON) so that it survives restarts, and in memory for the logins.
 */
import { announcementProblem, type Announcement, type AnnouncementReach, type AnnouncementText } from "./announcements.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, formatAddress, parseAddress, type Address } from "./model/address.js";
import type { GatewaySettingStore } from "../store/store.js";

/** Its name in gateway_settings. */
export const MOTD_SETTING = "motd";

export interface MessageOfTheDayDeps {
  readonly settings: GatewaySettingStore;
  readonly isAdmin: (address: Address) => boolean;
  /** Shows an announcement to every user online now (Announcements.broadcast): whom it reached. */
  readonly broadcast: (announcement: Announcement) => AnnouncementReach;
  readonly log: Logger;
  readonly now?: () => number;
}

/** As kept: who set it, when, and the text. */
interface KeptMotd {
  readonly from: string;
  readonly subject?: string;
  readonly body: string;
  readonly timestamp: number;
}

function fromJson(json: string): Announcement | undefined {
  const kept = JSON.parse(json) as Partial<KeptMotd>;
  if (typeof kept.from !== "string" || typeof kept.body !== "string" || typeof kept.timestamp !== "number") return undefined;
  const from = parseAddress(kept.from);
  return { from, ...(typeof kept.subject === "string" ? { subject: kept.subject } : {}), body: kept.body, timestamp: kept.timestamp, motd: true };
}

export class MessageOfTheDay {
  private motd: Announcement | undefined;

  constructor(private readonly deps: MessageOfTheDayDeps) {}

  /** Reads the one kept (at start): one that cannot be read is logged and left out. */
  async load(): Promise<void> {
    const json = await this.deps.settings.get(MOTD_SETTING);
    if (json === undefined) return;
    try {
      this.motd = fromJson(json);
    } catch (error: unknown) {
      this.deps.log.warn({ err: error }, "the message of the day kept cannot be read: none is shown");
    }
  }

  /** What each login is shown now, or undefined for none. */
  current(): Announcement | undefined {
    return this.motd;
  }

  /** The message of the day for an admin to see, or undefined for none: GW_ERR_FORBIDDEN for anyone else. */
  async get(by: Address): Promise<Announcement | undefined> {
    this.mustBeAdmin(by);
    return this.motd;
  }

  /**
   * Makes `text` the message of the day, from the admin `by`, kept before anyone is shown it. `tellOnline`: shown at
   * once to every user online too (set-motd), or not (edit-motd); whom it reached (0 and 0 when not told). The same
   * refusals as Announcements.announce: GW_ERR_FORBIDDEN, then GW_ERR_BAD_FRAME for a text announcementProblem refuses.
   */
  async set(by: Address, text: AnnouncementText, options: { readonly tellOnline: boolean }): Promise<AnnouncementReach> {
    this.mustBeAdmin(by);
    const problem = announcementProblem(text);
    if (problem !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", problem);
    const subject = text.subject ?? "";
    const timestamp = (this.deps.now ?? Date.now)();
    const kept: KeptMotd = { from: formatAddress(by), ...(subject === "" ? {} : { subject }), body: text.body, timestamp };
    await this.deps.settings.put(MOTD_SETTING, JSON.stringify(kept), timestamp);
    const motd: Announcement = { from: by, ...(subject === "" ? {} : { subject }), body: text.body, timestamp, motd: true };
    this.motd = motd;
    const reach = options.tellOnline ? this.deps.broadcast(motd) : { users: 0, sessions: 0 };
    this.deps.log.info({ by: addressKey(by), ...reach }, options.tellOnline ? "message of the day set and sent to the users online" : "message of the day edited");
    return reach;
  }

  /** No message of the day from now on: whether there was one. GW_ERR_FORBIDDEN for anyone not an admin. */
  async clear(by: Address): Promise<boolean> {
    this.mustBeAdmin(by);
    const removed = await this.deps.settings.remove(MOTD_SETTING);
    const had = removed || this.motd !== undefined;
    this.motd = undefined;
    this.deps.log.info({ by: addressKey(by), had }, "message of the day cleared");
    return had;
  }

  private mustBeAdmin(by: Address): void {
    if (!this.deps.isAdmin(by)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(by)} is not an admin of this gateway`);
  }
}
