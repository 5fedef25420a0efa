/**
 * Builders of outbound stanzas, with xml() from @xmpp/xml (never string templates).
 * Text and attribute values go through stripInvalidXmlChars, since ltx writes characters XML 1.0
 * cannot carry as they are and the server would then close the stream.
 *
 * Under NodeNext, `import xml from "@xmpp/xml"` is the form that type-checks: the package exports
 * `xml` both as default and by name at runtime, but @types/xmpp__xml declares only the default.
 * Its elements come from ltx's CommonJS build (ltx/lib), while `import { parse } from "ltx"` gives
 * elements of the ESM build (ltx/src): same shape and methods, different classes, so code here never
 * relies on `instanceof Element`.
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { Message, MessageKind } from "../../core/model/message.js";
import { bodyWithMissingUrls, type Attachment } from "../../core/model/attachments.js";
import { oobElements } from "./oob.js";
import { deliveredLate, saidAt } from "../../core/model/sent-at.js";
import type { Show } from "../../core/model/presence.js";
import { clampPriority, clampStatus, showToXmpp } from "./presence-map.js";
import { stripInvalidXmlChars } from "./xml-safety.js";
import { photoUpdate } from "./avatar-stanzas.js";
import { replyParts, type ReplyOut } from "./reply-stanzas.js";

export const NS = {
  client: "jabber:client",
  component: "jabber:component:accept",
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas",
  chatStates: "http://jabber.org/protocol/chatstates",
  receipts: "urn:xmpp:receipts",
  correction: "urn:xmpp:message-correct:0",
  discoInfo: "http://jabber.org/protocol/disco#info",
  discoItems: "http://jabber.org/protocol/disco#items",
  version: "jabber:iq:version",
  muc: "http://jabber.org/protocol/muc",
  mucUser: "http://jabber.org/protocol/muc#user",
  /** XEP-0045 admin requests: kicks, bans and the ban list (muc-admin.ts, muc-outcasts.ts). */
  mucAdmin: "http://jabber.org/protocol/muc#admin",
  ping: "urn:xmpp:ping",
  /** XEP-0359: the id a room gives each message it passes on, the same as its archive's (XEP-0313). */
  stanzaId: "urn:xmpp:sid:0",
  forward: "urn:xmpp:forward:0",
  delay: "urn:xmpp:delay",
  /** XEP-0421: who is behind an occupant of the gateway's rooms, the same across nick changes (occupant-ids.ts). */
  occupantId: "urn:xmpp:occupant-id:0",
  /** Switchboard's own marker on a message it relayed into a MUC: no Switchboard relays such a message again. */
  relayed: "urn:switchboard:relayed:0",
} as const;

/**
 * Marks a groupchat message as relayed by a bridge (docs/bridging.md, "No echo"): any Switchboard (this one or
 * another instance bridging the same rooms) that sees the marker does not relay the message again, so two
 * bridges over one MUC cannot pass a message back and forth.
 */
export function markRelayed(message: Element): Element {
  message.append(xml("relayed", { xmlns: NS.relayed }));
  return message;
}

export function isRelayed(stanza: Element): boolean {
  return stanza.getChild("relayed", NS.relayed) !== undefined;
}

/** The XEP-0106 feature a gateway announces in disco#info (section 6, "jid\20escaping"). */
export const FEATURE_JID_ESCAPING = "jid\\20escaping";

export type ChatState = "active" | "composing" | "paused" | "inactive" | "gone";
export type SubscriptionType = "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed";
/** RFC 6120 section 8.3.2. */
export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

/** The defined stanza error conditions, RFC 6120 section 8.3.3. */
export const STANZA_ERROR_CONDITIONS = [
  "bad-request",
  "conflict",
  "feature-not-implemented",
  "forbidden",
  "gone",
  "internal-server-error",
  "item-not-found",
  "jid-malformed",
  "not-acceptable",
  "not-allowed",
  "not-authorized",
  "policy-violation",
  "recipient-unavailable",
  "redirect",
  "registration-required",
  "remote-server-not-found",
  "remote-server-timeout",
  "resource-constraint",
  "service-unavailable",
  "subscription-required",
  "undefined-condition",
  "unexpected-request",
] as const;
export type StanzaErrorCondition = (typeof STANZA_ERROR_CONDITIONS)[number];

export function isStanzaErrorCondition(value: string): value is StanzaErrorCondition {
  return (STANZA_ERROR_CONDITIONS as readonly string[]).includes(value);
}

type Attrs = Record<string, string>;

const safe = stripInvalidXmlChars;

function attrs(entries: Record<string, string | undefined>): Attrs {
  const out: Attrs = {};
  // for...in rather than Object.entries: no array of pairs for every stanza written (the objects are plain literals).
  for (const key in entries) {
    const value = entries[key];
    if (value !== undefined) out[key] = safe(value);
  }
  return out;
}

function attr(element: Element, name: string): string | undefined {
  const value: unknown = element.attrs[name];
  return typeof value === "string" ? value : undefined;
}

export interface ChatMessageOptions {
  /** Absent in client mode: the server stamps the account's JID. */
  readonly from?: string;
  /** Absent in a copy forwarded from an archive (XEP-0313). */
  readonly to?: string;
  readonly id: string;
  readonly body: string;
  readonly kind: MessageKind;
  /** The XMPP stanza id of the message this one corrects (XEP-0308); not a gateway id. */
  readonly replaces?: string;
  /** Default "chat". */
  readonly type?: "chat" | "normal" | "groupchat";
  /** Adds a XEP-0184 receipt request. */
  readonly requestReceipt?: boolean;
  /** Adds a XEP-0203 delay: the message reaches its recipient late (lateDelay). */
  readonly delay?: Delay;
  /** Adds a XEP-0066 out-of-band element each (oob.ts); each URL the body lacks follows it on a line of its own. */
  readonly attachments?: readonly Attachment[] | undefined;
  /** XEP-0461: the message it answers, with the quote put before the body as its XEP-0428 fallback (reply-stanzas.ts). */
  readonly reply?: ReplyOut | undefined;
  /** XEP-0444, on a reaction: the id its recipient knows the reacted message by, when not its gateway id (a line of her own in a chat). */
  readonly reactedId?: string | undefined;
}

/** A XEP-0203 delay: who delayed the message (`from`), and when it was said (milliseconds since the epoch). */
export interface Delay {
  readonly from: string;
  readonly stamp: number;
}

/**
 * The XEP-0203 delay of a message delivered now, from `from` (the gateway's domain, a room's JID), when it is late
 * (core/model/sent-at.ts deliveredLate: it has a `sentAt`, or it waited in the outbox), stamped with when it was said,
 * as Prosody stamps the offline messages it delivers at a login: the recipient's client then shows that time, not the
 * delivery's. Nothing for a live message (no bytes added on the usual path).
 */
export function lateDelay(message: Pick<Message, "timestamp" | "sentAt">, from: string, now = Date.now()): { readonly delay?: Delay } {
  return deliveredLate(message, now) ? { delay: { from, stamp: saidAt(message) } } : {};
}

/** The XEP-0203 <delay/> element (stamp: XEP-0082 DateTime, UTC with milliseconds). */
export function delayElement(delay: { readonly from?: string; readonly stamp: number }): Element {
  return xml("delay", attrs({ xmlns: NS.delay, from: delay.from, stamp: new Date(delay.stamp).toISOString() }));
}

/**
 * A message with a body (RFC 6121 section 5). An action goes out as "/me " + text (XEP-0245).
 * XMPP has no notice: a notice goes out as an ordinary body of the given type (type "headline" would
 * make clients show it apart from the conversation, or drop it), so it reads like a text message.
 */
export function chatMessage(options: ChatMessageOptions): Element {
  const text = bodyWithMissingUrls(options.body, options.attachments);
  // An action keeps "/me " first, which clients read: its reply goes without the quote.
  const reply = options.reply === undefined ? undefined : replyParts(options.kind === "action" ? { to: options.reply.to, id: options.reply.id } : options.reply, text);
  const body = options.kind === "action" ? `/me ${text}` : (reply?.body ?? text);
  const message = xml("message", attrs({ from: options.from, to: options.to, id: options.id, type: options.type ?? "chat" }), xml("body", {}, safe(body)));
  for (const element of reply?.elements ?? []) message.append(element);
  if (options.replaces !== undefined) message.append(xml("replace", attrs({ xmlns: NS.correction, id: options.replaces })));
  if (options.requestReceipt === true) message.append(xml("request", { xmlns: NS.receipts }));
  if (options.delay !== undefined) message.append(delayElement(options.delay));
  if (options.attachments !== undefined) for (const element of oobElements(options.attachments)) message.append(element);
  return message;
}

/** A room's id of a message it passed on (XEP-0359), `by` the room's bare JID. */
export function stanzaId(id: string, by: string): Element {
  return xml("stanza-id", { xmlns: NS.stanzaId, id, by: safe(by) });
}

/** A standalone chat state notification (XEP-0085 section 5.5): a message with no body. */
export function chatState(from: string | undefined, to: string, state: ChatState, type: "chat" | "groupchat" = "chat"): Element {
  return xml("message", attrs({ from, to, type }), xml(state, { xmlns: NS.chatStates }));
}

/** A delivery receipt for message `id` (XEP-0184 section 4). */
export function receipt(from: string, to: string, id: string): Element {
  return xml("message", attrs({ from, to }), xml("received", attrs({ xmlns: NS.receipts, id })));
}

export interface PresenceOptions {
  /** Absent in client mode. */
  readonly from?: string;
  /** Absent for a broadcast (client mode). */
  readonly to?: string;
  readonly show: Show;
  readonly status?: string;
  readonly priority?: number;
  /** Overrides the type that `show` implies: "unavailable" to leave (a room), "probe" to ask. */
  readonly type?: "unavailable" | "probe";
  /**
   * The attributes of a XEP-0115 <c/>, added to an available presence only (the sender's capabilities): written as
   * given, so they are computed once (contact-capabilities.ts), not checked per stanza.
   */
  readonly caps?: Readonly<Record<string, string>>;
  /** A XEP-0153 avatar hash for an available presence (avatar-stanzas.ts photoUpdate): "" for an empty <photo/> (none). Absent: no <x/>. */
  readonly photo?: string;
}

/**
 * A presence stanza (RFC 6121 section 4.7), show mapped by presence-map; priority 0 and an empty status are left out.
 * An available one carries the sender's caps when given (XEP-0115 section 4).
 */
export function presence(options: PresenceOptions): Element {
  const mapped = showToXmpp(options.show);
  const type = options.type ?? mapped.type;
  const stanza = xml("presence", attrs({ from: options.from, to: options.to, type }));
  if (type === "probe") return stanza;
  if (type === undefined && mapped.show !== undefined) stanza.append(xml("show", {}, mapped.show));
  const status = clampStatus(safe(options.status ?? ""));
  if (status.length > 0) stanza.append(xml("status", {}, status));
  const priority = clampPriority(options.priority ?? 0);
  if (type === undefined && priority !== 0) stanza.append(xml("priority", {}, String(priority)));
  // A copy: xml() rewrites the attribute object it is given in place, and the caps' is shared (and frozen).
  if (type === undefined && options.caps !== undefined) stanza.append(xml("c", { ...options.caps }));
  if (type === undefined && options.photo !== undefined) stanza.append(photoUpdate(options.photo));
  return stanza;
}

/** A subscription management presence (RFC 6121 section 3), or a probe (section 4.3). */
export function subscription(from: string | undefined, to: string, type: SubscriptionType | "probe"): Element {
  return xml("presence", attrs({ from, to, type }));
}

/**
 * True unless `stanza` is itself an error: RFC 6120 section 8.3.1 forbids answering an error with an error.
 * Check it before stanzaError.
 */
export function mayAnswerWithError(stanza: Element): boolean {
  return attr(stanza, "type") !== "error";
}

/**
 * An <error type=...><condition xmlns=stanzas/><text xmlns=stanzas>...</text></error> element
 * (RFC 6120 section 8.3.2). A condition RFC 6120 does not define goes out as undefined-condition,
 * which is how a receiver would have to read it anyway. Returned from an @xmpp/iq callee handler,
 * it becomes the error reply of the iq.
 */
export function errorCondition(type: StanzaErrorType, condition: string, text?: string): Element {
  const defined = isStanzaErrorCondition(condition) ? condition : "undefined-condition";
  const error = xml("error", { type }, xml(defined, { xmlns: NS.stanzas }));
  if (text !== undefined && text.length > 0) error.append(xml("text", { xmlns: NS.stanzas, "xml:lang": "en" }, safe(text)));
  return error;
}

/**
 * The error reply to `original` (RFC 6120 section 8.3): same element name and id, from and to swapped,
 * type "error", and the <error/> of errorCondition. The original payload is not echoed back
 * (section 8.3.1 makes that optional).
 */
export function stanzaError(original: Element, type: StanzaErrorType, condition: string, text?: string): Element {
  const swapped = attrs({ from: attr(original, "to"), to: attr(original, "from"), id: attr(original, "id"), type: "error" });
  return xml(original.name, swapped, errorCondition(type, condition, text));
}

/** The result of an iq get or set (RFC 6120 section 8.2.3), with an optional payload. */
export function iqResult(iq: Element, child?: Element): Element {
  const result = xml("iq", attrs({ from: attr(iq, "to"), to: attr(iq, "from"), id: attr(iq, "id"), type: "result" }));
  if (child !== undefined) result.append(child);
  return result;
}

export interface DiscoIdentity {
  readonly category: string;
  readonly type: string;
  readonly name?: string;
}

export interface DiscoInfoOptions {
  readonly identities: readonly DiscoIdentity[];
  readonly features: readonly string[];
  readonly node?: string;
}

/** A XEP-0030 disco#info <query/> (section 3.1): identities, then each feature once. */
export function discoInfo(options: DiscoInfoOptions): Element {
  const query = xml("query", attrs({ xmlns: NS.discoInfo, node: options.node }));
  for (const identity of options.identities) query.append(xml("identity", attrs({ category: identity.category, type: identity.type, name: identity.name })));
  for (const feature of new Set(options.features)) query.append(xml("feature", attrs({ var: feature })));
  return query;
}

export interface DiscoItem {
  readonly jid: string;
  readonly name?: string;
  readonly node?: string;
}

/** A XEP-0030 disco#items <query/> (section 4.1). */
export function discoItems(items: readonly DiscoItem[], node?: string): Element {
  const query = xml("query", attrs({ xmlns: NS.discoItems, node }));
  for (const item of items) query.append(xml("item", attrs({ jid: item.jid, name: item.name, node: item.node })));
  return query;
}

/** A XEP-0092 software version <query/>; the operating system is left out unless given. */
export function version(name: string, versionText: string, os?: string): Element {
  const query = xml("query", { xmlns: NS.version }, xml("name", {}, safe(name)), xml("version", {}, safe(versionText)));
  if (os !== undefined) query.append(xml("os", {}, safe(os)));
  return query;
}
