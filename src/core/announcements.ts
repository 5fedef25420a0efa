/**
 * Operator announcements, as ejabberd's and Prosody's (mod_announce, XEP-0133 section 4.23 "Send Announcement to Online
 * Users"): an admin of the gateway (config `admins`) says something, "maintenance at 22:00", that every native user
 * online now is shown at once, in every session, and every XMPP user of the gateway online (the component's domain's
 * subscribers and linked JIDs, adapters/xmpp/announcement-audience.ts): each adapter tells its own (Adapter.announce).
 * Asked by a native admin (admin.announce) or an XMPP one (the ad-hoc command announce of the component's domain). Nothing is kept: whoever is offline never sees it (the
 * message of the day, core/message-of-the-day.ts, is what is kept and shown at each login).
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, formatAddress, type Address } from "./model/address.js";

/** Counted in characters (Unicode code points), as JSON Schema's maxLength counts them. */
export const ANNOUNCEMENT_BODY_MAX_LENGTH = 4000;
export const ANNOUNCEMENT_SUBJECT_MAX_LENGTH = 200;

/** What an admin announces: a subject ("" for none) and the text. */
export interface AnnouncementText {
  readonly subject?: string;
  readonly body: string;
}

/** An announcement as the users are shown it: who said it and when. */
export interface Announcement {
  readonly from: Address;
  /** Absent when the admin gave none. */
  readonly subject?: string;
  readonly body: string;
  readonly timestamp: number;
  /** The message of the day (core/message-of-the-day.ts), not a one-off announcement. */
  readonly motd?: true;
}

/** Whom an announcement reached: the users online, and their sessions. */
export interface AnnouncementReach {
  readonly users: number;
  readonly sessions: number;
}

/** "1 user online (2 sessions)": how many were told, for the notes of the ad-hoc commands. */
export function describeReach({ users, sessions }: AnnouncementReach): string {
  return `${users} ${users === 1 ? "user" : "users"} online (${sessions} ${sessions === 1 ? "session" : "sessions"})`;
}

// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `text` cannot be announced, or undefined when it can: a body of 1 to ANNOUNCEMENT_BODY_MAX_LENGTH characters,
 * lines and tabs allowed but no other control characters; a subject of one line, at most
 * ANNOUNCEMENT_SUBJECT_MAX_LENGTH. The native frame's schema says the same (frame-schemas.ts). Pure.
 */
export function announcementProblem(text: AnnouncementText): string | undefined {
  const length = [...text.body].length;
  if (length === 0 || text.body.trim() === "") return "an announcement needs a text";
  if (length > ANNOUNCEMENT_BODY_MAX_LENGTH) return `an announcement is at most ${ANNOUNCEMENT_BODY_MAX_LENGTH} characters long`;
  if (CONTROL_BUT_LINE_BREAKS.test(text.body)) return "an announcement has no control characters but line breaks (\\n) and tabs";
  const subject = text.subject ?? "";
  if ([...subject].length > ANNOUNCEMENT_SUBJECT_MAX_LENGTH) return `an announcement's subject is at most ${ANNOUNCEMENT_SUBJECT_MAX_LENGTH} characters long`;
  if (CONTROL.test(subject)) return "an announcement's subject is one line of text, without control characters";
  return undefined;
}

export interface AnnouncementsDeps {
  readonly registry: Pick<AdapterRegistry, "all">;
  readonly isAdmin: (address: Address) => boolean;
  readonly log: Logger;
  readonly now?: () => number;
}

export class Announcements {
  constructor(private readonly deps: AnnouncementsDeps) {}

  /**
   * Shows `text` from the admin `by` to every user online now, in every session: resolves with how many users and
   * sessions it reached (0 and 0 with nobody online). GW_ERR_FORBIDDEN for anyone not an admin, before the text is
   * read; GW_ERR_BAD_FRAME for a text announcementProblem refuses.
   */
  async announce(by: Address, text: AnnouncementText): Promise<AnnouncementReach> {
    if (!this.deps.isAdmin(by)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(by)} is not an admin of this gateway`);
    const problem = announcementProblem(text);
    if (problem !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", problem);
    const subject = text.subject ?? "";
    const announcement: Announcement = { from: by, ...(subject === "" ? {} : { subject }), body: text.body, timestamp: (this.deps.now ?? Date.now)() };
    const { users, sessions } = this.broadcast(announcement);
    this.deps.log.info({ by: addressKey(by), users, sessions }, "announcement sent to the users online");
    return { users, sessions };
  }

  /** Shows `announcement`, already checked, to every user online now, in every session: whom it reached. */
  broadcast(announcement: Announcement): AnnouncementReach {
    let users = 0;
    let sessions = 0;
    for (const adapter of this.deps.registry.all()) {
      const reach = adapter.announce?.(announcement);
      users += reach?.users ?? 0;
      sessions += reach?.sessions ?? 0;
    }
    return { users, sessions };
  }
}
