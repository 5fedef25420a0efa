/**
 * When a message was said, beside when the gateway accepted it (`Message.timestamp`). Networks tell it for lines
 * that reach the gateway late: IRCv3 server-time on an IRC line (a bouncer's playback), a XEP-0203 `<delay/>` on an
 * XMPP stanza (a server's offline storage, a room's archive). The gateway keeps it as `sentAt` only when it says
 * something: a stamp earlier than the acceptance by more than SENT_AT_TOLERANCE_MS, and not absurd.
 *
 * Why a tolerance: IRC servers stamp every live line with server-time, and XMPP stamps have whole seconds (Prosody's),
 * so a live line's stamp reads up to a second early, more with a little clock skew between the hosts. Two seconds
 * covers that, so that ordinary live lines carry no `sentAt`, while any delay a person notices (clients show minutes)
 * is kept. A stamp in the future (a server's clock ahead) is no news either: the line is taken as said now.
 */
import type { Message } from "./message.js";

/** How much earlier than its acceptance a stamp must be for the message to carry it (see the header). */
export const SENT_AT_TOLERANCE_MS = 2_000;

/** Stamps before 2000-01-01T00:00:00Z are a broken clock (a zero date reads 1970), not a time anything was said. */
export const EARLIEST_SENT_AT = Date.UTC(2000, 0, 1);

/** The stamp a message accepted at `acceptedAt` keeps as `sentAt`, whole milliseconds; undefined when it keeps none. */
export function keptSentAt(stamp: number | undefined, acceptedAt: number): number | undefined {
  if (stamp === undefined || !Number.isFinite(stamp)) return undefined;
  if (stamp < EARLIEST_SENT_AT || stamp >= acceptedAt - SENT_AT_TOLERANCE_MS) return undefined;
  return Math.floor(stamp);
}

/** A draft's fields with the time of acceptance, and the `sentAt` it asked for only where keptSentAt keeps it. */
export function stamped<T extends { readonly sentAt?: number }>(fields: T, acceptedAt: number): Omit<T, "sentAt"> & { readonly timestamp: number; readonly sentAt?: number } {
  const { sentAt, ...rest } = fields;
  const kept = keptSentAt(sentAt, acceptedAt);
  return { ...rest, timestamp: acceptedAt, ...(kept === undefined ? {} : { sentAt: kept }) };
}

/** When the message was said: its `sentAt`, else when the gateway accepted it. */
export function saidAt(message: Pick<Message, "timestamp" | "sentAt">): number {
  return message.sentAt ?? message.timestamp;
}

/**
 * Whether a message reaches a recipient at `now` noticeably after it was said: it was said earlier than accepted
 * (`sentAt`), or it waited (in the outbox, for a network or a person) longer than the tolerance since its acceptance.
 * A recipient's network that can say so (XMPP's `<delay/>`) then shows it at the time it was said.
 */
export function deliveredLate(message: Pick<Message, "timestamp" | "sentAt">, now: number): boolean {
  return message.sentAt !== undefined || now - message.timestamp > SENT_AT_TOLERANCE_MS;
}
