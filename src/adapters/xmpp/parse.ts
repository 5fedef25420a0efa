/**
 * Pure parsing of inbound stanzas (ltx Elements) into plain records. Never throws: a stanza that
 * cannot be used gives a StanzaProblem, with the condition and type to answer it with
 * (stanzas.ts stanzaError, unless it was itself an error).
 *
 * Rules, with their sources:
 *   - from and to must be present (a component always receives both: XEP-0114) and be JIDs
 *     (RFC 7622): missing -> bad-request, malformed -> jid-malformed (RFC 6120 section 8.3.3.8).
 *     A client-mode caller passes `defaults` for the account's own addresses (RFC 6120 section 8.1.2.1).
 *   - message type (RFC 6121 section 5.2.2): absent -> "normal"; an unknown value is also treated as
 *     "normal", because the RFC says a receiver MUST do so. headline -> notice; a body starting with
 *     "/me " -> action without the prefix (XEP-0245); a body over MAX_BODY_LENGTH characters -> policy-violation.
 *     An empty <body/> counts as no body. An empty <subject/> is kept as "" (it clears the subject, XEP-0045 8.1).
 *   - XEP-0308 <replace/> without an id is ignored (the message is taken as new); XEP-0184 <received/>
 *     without an id falls back to the stanza id (as in XEP-0184 before version 1.1). A XEP-0424 retraction
 *     (version 1, or 0 in a XEP-0422 <apply-to/>) gives `retracts` and no body: its body is a fallback. So does a
 *     XEP-0444 <reactions id/>: `reactions` and no body (reaction-stanzas.ts).
 *   - XEP-0203 <delay stamp/> (a server's offline storage, a room's archive or history) gives `sentAt`, the earliest
 *     stamp when several entities delayed it (each may add its own); a stamp that is no XEP-0082 DateTime is ignored.
 *     A sender's client may write one too, at any time it likes: each adapter passes a delay on only where it knows
 *     who added it (delayStamp's `by`; docs/xmpp.md). Whether the message keeps it is the core's rule (core/model/sent-at.ts).
 *   - XEP-0066 <x xmlns="jabber:x:oob"> elements give `attachments` (oob.ts), not on a retraction; the core checks them.
 *     With them, no body (or an empty one) and no subject gives the body "": a message of attachments alone.
 *   - presence type (RFC 6121 section 4.7.1): absent -> "available"; an unknown value -> bad-request.
 *   - iq (RFC 6120 section 8.2.3): id and a known type required; get and set carry exactly one child
 *     element, result at most one (an error may carry the original payload beside <error/>).
 *   - type "error": the <error/> child gives type and condition (RFC 6120 section 8.3.2); when missing,
 *     condition "undefined-condition", type "cancel".
 */
import type { Element } from "ltx";
import { bodyTooLong, MAX_BODY_LENGTH, type MessageKind } from "../../core/model/message.js";
import type { Attachment } from "../../core/model/attachments.js";
import { readOob } from "./oob.js";
import type { Show } from "../../core/model/presence.js";
import { checkedJid } from "./addressing.js";
import { parsePriority, pickLocalized, showFromXmpp, statusOf } from "./presence-map.js";
import { NS, type ChatState } from "./stanzas.js";
import { readReply, type ParsedReply } from "./reply-stanzas.js";
import { retractedId } from "./retraction-stanzas.js";
import { readReactions, type ParsedReactions } from "./reaction-stanzas.js";

export interface StanzaProblem {
  readonly condition: "bad-request" | "jid-malformed" | "policy-violation";
  /** The error type to answer with (RFC 6120 section 8.3.2). */
  readonly type: "modify";
  readonly text: string;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: StanzaProblem };

export interface ParsedStanzaError {
  readonly type: string;
  readonly condition: string;
  readonly text?: string;
}

export type MessageType = "chat" | "normal" | "groupchat" | "headline" | "error";

export interface ParsedMessage {
  readonly kind: "message";
  readonly type: MessageType;
  readonly from: string;
  readonly to: string;
  readonly id?: string;
  /** XEP-0359: the id its sender's client gave it in an <origin-id/>, when other than `id` (XEP-0444 names chats by it). */
  readonly originId?: string;
  readonly body?: string;
  readonly messageKind: MessageKind;
  readonly replaces?: string;
  /** XEP-0461: the message this one answers, as the sender's client names it (its body is then without the fallback quote). */
  readonly reply?: ParsedReply;
  /** XEP-0424: the id of the message this one retracts (its body is then only a fallback, left out). */
  readonly retracts?: string;
  /** XEP-0444: the message this one reacts to, as the sender's client names it, and her whole set (its body, a fallback, left out). */
  readonly reactions?: ParsedReactions;
  /** XEP-0203: when it was said, by its earliest delay stamp (milliseconds since the epoch), whoever added the delay. */
  readonly sentAt?: number;
  /** XEP-0066: the links to files and images it carries (oob.ts), as read; the core checks them. */
  readonly attachments?: readonly Attachment[];
  readonly chatState?: ChatState;
  readonly receiptRequest: boolean;
  readonly receivedId?: string;
  readonly subject?: string;
  readonly error?: ParsedStanzaError;
}

export type PresenceType = "available" | "unavailable" | "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed" | "probe" | "error";

export interface MucUser {
  readonly affiliation?: string;
  readonly role?: string;
  readonly jid?: string;
  readonly statusCodes: readonly number[];
}

export interface ParsedPresence {
  readonly kind: "presence";
  readonly type: PresenceType;
  readonly from: string;
  readonly to: string;
  readonly show: Show;
  readonly status: string;
  readonly priority: number;
  readonly mucUser?: MucUser;
  readonly mucJoin: boolean;
  readonly error?: ParsedStanzaError;
}

export type IqType = "get" | "set" | "result" | "error";

export interface ParsedIq {
  readonly kind: "iq";
  readonly type: IqType;
  readonly from: string;
  readonly to: string;
  readonly id: string;
  readonly child?: { readonly name: string; readonly xmlns: string };
  readonly error?: ParsedStanzaError;
}

/** Addresses to assume when a stanza leaves out from or to (client mode); a component never needs them. */
export interface AddressDefaults {
  readonly from?: string;
  readonly to?: string;
}

const MESSAGE_TYPES: readonly string[] = ["chat", "normal", "groupchat", "headline", "error"];
const PRESENCE_TYPES: readonly string[] = ["unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe", "error"];
const IQ_TYPES: readonly string[] = ["get", "set", "result", "error"];
const CHAT_STATES: readonly string[] = ["active", "composing", "paused", "inactive", "gone"];

function isOneOf<T extends string>(list: readonly string[], value: string): value is T {
  return list.includes(value);
}

function attr(element: Element, name: string): string | undefined {
  const value: unknown = element.attrs[name];
  return typeof value === "string" ? value : undefined;
}

function problem(condition: StanzaProblem["condition"], text: string): { ok: false; problem: StanzaProblem } {
  return { ok: false, problem: { condition, type: "modify", text } };
}

type Addresses = { ok: true; from: string; to: string } | { ok: false; problem: StanzaProblem };

function addresses(stanza: Element, defaults: AddressDefaults): Addresses {
  const from = attr(stanza, "from") ?? defaults.from;
  const to = attr(stanza, "to") ?? defaults.to;
  if (from === undefined || to === undefined) return problem("bad-request", `the ${stanza.name} has no '${from === undefined ? "from" : "to"}' address`);
  for (const jid of [from, to]) {
    try {
      checkedJid(jid);
    } catch (error: unknown) {
      return problem("jid-malformed", (error as Error).message);
    }
  }
  return { ok: true, from, to };
}

function wrongElement(stanza: Element, expected: string): { ok: false; problem: StanzaProblem } | undefined {
  return stanza.name === expected ? undefined : problem("bad-request", `expected a ${expected}, got <${stanza.name}/>`);
}

/** The <error/> of an error stanza (RFC 6120 section 8.3.2). */
export function parseStanzaError(stanza: Element): ParsedStanzaError {
  const error = stanza.getChild("error");
  if (error === undefined) return { type: "cancel", condition: "undefined-condition" };
  const condition = error.getChildElements().find((child) => child.getNS() === NS.stanzas && child.name !== "text");
  const text = error.getChildText("text", NS.stanzas);
  return {
    type: attr(error, "type") ?? "cancel",
    condition: condition?.name ?? "undefined-condition",
    ...(text === null || text.length === 0 ? {} : { text }),
  };
}

/** XEP-0082 DateTime: a date, a time with optional fractions of a second, and Z or an offset. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The earliest XEP-0203 delay stamp of a stanza, in milliseconds; undefined when it has no valid one. With `by`, only
 * of the delays whose `from` is that JID (a server's domain, a room): the ones that entity added.
 */
export function delayStamp(stanza: Element, by?: string): number | undefined {
  let earliest: number | undefined;
  for (const delay of stanza.getChildren("delay", NS.delay)) {
    if (by !== undefined && attr(delay, "from")?.toLowerCase() !== by.toLowerCase()) continue;
    const stamp = attr(delay, "stamp");
    const time = stamp !== undefined && DATE_TIME.test(stamp) ? Date.parse(stamp) : Number.NaN;
    if (!Number.isNaN(time) && (earliest === undefined || time < earliest)) earliest = time;
  }
  return earliest;
}

/**
 * The stamp of the last XEP-0203 delay `by` added (a server's domain), in milliseconds; undefined when none is valid. A
 * server that keeps a chat offline appends its own delay (Prosody's mod_offline tags it onto the stored stanza), after
 * whatever the sender's client wrote, which may be a delay with that very `from` and an earlier stamp: the earliest
 * would let a contact backdate a line by writing to her while she is offline.
 */
export function appendedDelayStamp(stanza: Element, by: string): number | undefined {
  const theirs = stanza.getChildren("delay", NS.delay).filter((delay) => attr(delay, "from")?.toLowerCase() === by.toLowerCase());
  const stamp = theirs.length === 0 ? undefined : attr(theirs[theirs.length - 1] as Element, "stamp");
  const time = stamp !== undefined && DATE_TIME.test(stamp) ? Date.parse(stamp) : Number.NaN;
  return Number.isNaN(time) ? undefined : time;
}

function messageKind(type: MessageType, body: string | undefined): { messageKind: MessageKind; body?: string } {
  if (body === undefined) return { messageKind: type === "headline" ? "notice" : "text" };
  if (type === "headline") return { messageKind: "notice", body };
  if (body.startsWith("/me ") && body.slice(4).trim().length > 0) return { messageKind: "action", body: body.slice(4) };
  return { messageKind: "text", body };
}

export function parseMessageStanza(stanza: Element, defaults: AddressDefaults = {}): ParseResult<ParsedMessage> {
  const wrong = wrongElement(stanza, "message");
  if (wrong) return wrong;
  const addressed = addresses(stanza, defaults);
  if (!addressed.ok) return addressed;
  const rawType = attr(stanza, "type") ?? "normal";
  const type: MessageType = isOneOf<MessageType>(MESSAGE_TYPES, rawType) ? rawType : "normal";
  const bodyText = pickLocalized(stanza, "body")?.getText();
  if (bodyText !== undefined && bodyTooLong(bodyText)) {
    return problem("policy-violation", `the message body is longer than ${MAX_BODY_LENGTH} characters`);
  }
  const id = attr(stanza, "id");
  const origin = stanza.getChild("origin-id", NS.stanzaId);
  const originId = origin === undefined ? undefined : attr(origin, "id");
  const subject = pickLocalized(stanza, "subject")?.getText();
  const replace = stanza.getChild("replace", NS.correction);
  const replaces = replace === undefined ? undefined : attr(replace, "id");
  const chatState = stanza
    .getChildElements()
    .filter((child) => child.getNS() === NS.chatStates)
    .map((child) => child.name)
    .find((name): name is ChatState => isOneOf<ChatState>(CHAT_STATES, name));
  const received = stanza.getChild("received", NS.receipts);
  const receivedId = received === undefined ? undefined : (attr(received, "id") ?? id);
  const retracted = retractedId(stanza);
  const reactions = retracted === undefined ? readReactions(stanza) : undefined;
  // A reaction, like a retraction, says nothing of its own: its body is a fallback, its out-of-band elements not read.
  const wordless = retracted !== undefined || reactions !== undefined;
  const sentAt = delayStamp(stanza);
  // A retraction carries nothing of its own: an out-of-band element beside it is not read.
  const attachments = wordless ? undefined : readOob(stanza);
  // XEP-0461: the client's quote of the answered message is cut off the body (reply-stanzas.ts).
  const { reply, body: answer } = wordless ? { reply: undefined, body: bodyText } : readReply(stanza, bodyText);
  const words = answer === "" || wordless ? undefined : answer;
  // XEP-0066 section 3 would have the URL in the body too; a client that leaves it out still sent a message (not a
  // subject change, which a subject without a body is): "" words, which the core gives the URLs (attachments.ts).
  const kind = messageKind(type, words ?? (attachments !== undefined && subject === undefined ? "" : undefined));
  return {
    ok: true,
    value: {
      kind: "message",
      type,
      from: addressed.from,
      to: addressed.to,
      ...(id === undefined ? {} : { id }),
      ...(originId === undefined || originId === "" || originId === id ? {} : { originId }),
      ...kind,
      ...(replaces === undefined || replaces.length === 0 ? {} : { replaces }),
      ...(retracted === undefined ? {} : { retracts: retracted }),
      ...(reactions === undefined ? {} : { reactions }),
      ...(reply === undefined ? {} : { reply }),
      ...(chatState === undefined ? {} : { chatState }),
      ...(sentAt === undefined ? {} : { sentAt }),
      ...(attachments === undefined ? {} : { attachments }),
      receiptRequest: stanza.getChild("request", NS.receipts) !== undefined,
      ...(receivedId === undefined ? {} : { receivedId }),
      ...(subject === undefined ? {} : { subject }),
      ...(type === "error" ? { error: parseStanzaError(stanza) } : {}),
    },
  };
}

function parseMucUser(x: Element): MucUser {
  const item = x.getChild("item");
  const statusCodes = x
    .getChildren("status")
    .map((status) => attr(status, "code") ?? "")
    .filter((code) => /^[1-9]\d{2}$/.test(code))
    .map(Number);
  const affiliation = item && attr(item, "affiliation");
  const role = item && attr(item, "role");
  const jid = item && attr(item, "jid");
  return {
    ...(affiliation === undefined ? {} : { affiliation }),
    ...(role === undefined ? {} : { role }),
    ...(jid === undefined ? {} : { jid }),
    statusCodes,
  };
}

export function parsePresenceStanza(stanza: Element, defaults: AddressDefaults = {}): ParseResult<ParsedPresence> {
  const wrong = wrongElement(stanza, "presence");
  if (wrong) return wrong;
  const addressed = addresses(stanza, defaults);
  if (!addressed.ok) return addressed;
  const rawType = attr(stanza, "type");
  if (rawType !== undefined && !isOneOf<PresenceType>(PRESENCE_TYPES, rawType)) {
    return problem("bad-request", `'${rawType}' is not a presence type (RFC 6121 section 4.7.1)`);
  }
  const type: PresenceType = rawType ?? "available";
  const x = stanza.getChild("x", NS.mucUser);
  return {
    ok: true,
    value: {
      kind: "presence",
      type,
      from: addressed.from,
      to: addressed.to,
      show: showFromXmpp(type, stanza.getChildText("show") ?? undefined),
      status: statusOf(stanza),
      priority: parsePriority(stanza.getChildText("priority")),
      ...(x === undefined ? {} : { mucUser: parseMucUser(x) }),
      mucJoin: stanza.getChild("x", NS.muc) !== undefined,
      ...(type === "error" ? { error: parseStanzaError(stanza) } : {}),
    },
  };
}

export function parseIqStanza(stanza: Element, defaults: AddressDefaults = {}): ParseResult<ParsedIq> {
  const wrong = wrongElement(stanza, "iq");
  if (wrong) return wrong;
  const addressed = addresses(stanza, defaults);
  if (!addressed.ok) return addressed;
  const id = attr(stanza, "id");
  if (id === undefined || id.length === 0) return problem("bad-request", "an iq must have an id (RFC 6120 section 8.2.3)");
  const rawType = attr(stanza, "type");
  if (rawType === undefined || !isOneOf<IqType>(IQ_TYPES, rawType)) {
    return problem("bad-request", `an iq type must be get, set, result or error, not '${rawType ?? ""}'`);
  }
  const children = stanza.getChildElements().filter((child) => !(rawType === "error" && child.name === "error"));
  if ((rawType === "get" || rawType === "set") && children.length !== 1) {
    return problem("bad-request", `an iq of type ${rawType} must have exactly one child element, not ${children.length}`);
  }
  if (rawType === "result" && children.length > 1) return problem("bad-request", "an iq result has at most one child element");
  const child = children[0];
  return {
    ok: true,
    value: {
      kind: "iq",
      type: rawType,
      from: addressed.from,
      to: addressed.to,
      id,
      ...(child === undefined ? {} : { child: { name: child.getName(), xmlns: child.getNS() ?? "" } }),
      ...(rawType === "error" ? { error: parseStanzaError(stanza) } : {}),
    },
  };
}
