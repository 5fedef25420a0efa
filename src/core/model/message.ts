/**
 * Message: one normalized chat message, direct or to a room, from any network.
 * Every message carries its origin (network and account it entered through, and that network's own id)
 * and the hops it has crossed, so it can never be relayed back to where it came from.
 */
import type { Address, ProtocolId } from "./address.js";
import type { Attachment } from "./attachments.js";

export type MessageScope = "direct" | "room";
export type MessageKind = "text" | "action" | "notice";

export const MESSAGE_KINDS: readonly MessageKind[] = ["text", "action", "notice"];

export interface MessageOrigin {
  readonly protocol: ProtocolId;
  readonly account: string;
  /** The origin network's own message id, when it has one (XMPP stanza id, IRCv3 msgid, native client id). */
  readonly id?: string;
}

export interface Message {
  /** Gateway id, assigned when the gateway accepts the message; unique and increasing. */
  readonly id: string;
  readonly origin: MessageOrigin;
  /** Canonical URIs of the rooms and people this message has been delivered through, in order. */
  readonly hops: readonly string[];
  readonly scope: MessageScope;
  readonly kind: MessageKind;
  readonly from: Address;
  /** A person for direct messages, a room for room messages. */
  readonly to: Address;
  /** The name to show for the sender on networks that only see text. */
  readonly senderName: string;
  readonly body: string;
  /**
   * Links to files and images it carries (XEP-0066 out-of-band data and the like), checked at acceptance
   * (attachments.ts); absent when none. The body holds their URLs when the sender wrote nothing else.
   */
  readonly attachments?: readonly Attachment[];
  /** Milliseconds since the epoch, when the gateway accepted it. */
  readonly timestamp: number;
  /**
   * Milliseconds since the epoch, when it was said, where its network tells a time noticeably earlier than `timestamp`
   * (IRCv3 server-time, XEP-0203 delay; the rule in sent-at.ts). Absent for a line the gateway got as it was said.
   */
  readonly sentAt?: number;
  /** Gateway id of the message this one corrects (XEP-0308 and the like). */
  readonly replaces?: string;
  /**
   * Gateway id of the message this one retracts ("unsend", XEP-0424 and the like): its own body is empty, and the
   * retracted message's body is gone from the log (a tombstone, `retracted`).
   */
  readonly retracts?: string;
  /**
   * The message this one answers ("reply to this message", XEP-0461 and the like): its gateway id, and its sender as
   * the gateway knows them (filled in at acceptance, core/message-replies.ts). Only a message of the same conversation.
   */
  readonly replyTo?: ReplyTarget;
  /**
   * The message this one reacts to ("👍" under a line, XEP-0444 and the like), named as a reply names the answered one
   * (filled in at acceptance, core/message-reactions.ts). Only a message of the same conversation. Its body is empty.
   */
  readonly reactsTo?: ReactionTarget;
  /** With `reactsTo`: the sender's whole set of reactions to it now, each one emoji (reactions.ts); empty: none left. */
  readonly reactions?: readonly string[];
  /** A tombstone: this message was retracted and its body (and its corrections' bodies) removed. Set by the gateway. */
  readonly retracted?: true;
  /**
   * On a retraction, and on the tombstone it leaves: a room's moderator (its owner or an admin of the gateway)
   * removed it, possibly another's message (XEP-0425 and the like). Set by the gateway.
   */
  readonly moderated?: MessageModeration;
  /** When `from` is an account linked to a person (core/identities.ts): that person, set by the gateway. */
  readonly person?: Address;
  /**
   * The sender's own copy of a direct message they sent from another client of their own account on another
   * network (an XMPP sent carbon, XEP-0280): that network delivered it already, so the gateway only keeps it in the
   * conversation's log and shows it to the sender's sessions (Router.sentElsewhere). Set by the gateway.
   */
  readonly sentElsewhere?: true;
}

/**
 * What a reply answers: the gateway id of the answered message and, once accepted (core/message-replies.ts), its
 * sender, the name shown for them, the start of its words (core/model/reply-quote.ts) and its network's own id, so
 * that adapters quote it and name it as their users know it without a lookup of their own.
 */
export interface ReplyTarget {
  readonly id: string;
  readonly to?: Address;
  readonly senderName?: string;
  readonly excerpt?: string;
  readonly originId?: string;
}

/**
 * What a reaction reacts to: named as a reply's answered message is, and, once accepted, `added`: the reactions its set
 * adds to every earlier set of the sender's for that message that the gateway knows of (all of them when it knows none),
 * which networks without reactions show as text (IRC: `* alice reacted 👍 to bob: "…"`), each emoji once.
 */
export interface ReactionTarget extends ReplyTarget {
  readonly added?: readonly string[];
}

/** Who moderated a message away: the moderator as the room shows them (their nick, else their id), and why. */
export interface MessageModeration {
  readonly by: string;
  readonly reason?: string;
}

/**
 * What a client or adapter submits; the gateway adds id, timestamp, hops and the linked person, and keeps the `sentAt`
 * an adapter read from its network only where sent-at.ts says it tells something. `moderate`: the retraction is a
 * moderator's, with an optional reason (a retraction of another's room message is one anyway); with `by`, a room's
 * own network moderated it (a MUC's XEP-0425 retraction through a linked account) and names its moderator so: taken
 * from the adapter of the room's own network only (core/message-references.ts).
 */
export type MessageDraft = Omit<Message, "id" | "timestamp" | "hops" | "person" | "sentElsewhere" | "retracted" | "moderated"> & {
  readonly hops?: readonly string[];
  readonly moderate?: { readonly reason?: string; readonly by?: string };
};

/** A moderator's reason for removing a message is short: one line, no control characters. */
export const MAX_MODERATION_REASON_LENGTH = 300;

export const MAX_BODY_LENGTH = 64 * 1024;

/**
 * Whether a body is longer than MAX_BODY_LENGTH characters, counted as Unicode code points (as the native
 * protocol's JSON Schema counts them), not UTF-16 units: an emoji is one character. Cheap for the usual body.
 */
export function bodyTooLong(body: string): boolean {
  if (body.length <= MAX_BODY_LENGTH) return false;
  if (body.length > 2 * MAX_BODY_LENGTH) return true;
  let codePoints = 0;
  for (let index = 0; index < body.length; index++) {
    const unit = body.charCodeAt(index);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < body.length) {
      const next = body.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    codePoints++;
  }
  return codePoints > MAX_BODY_LENGTH;
}
