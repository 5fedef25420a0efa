/**
 * Message Carbons (XEP-0280, version 1.0) for a linked account: the user's other clients of the same account (a
 * phone) and the gateway's session see both sides of every conversation.
 *
 * - Section 2 and 3: after the login the account's server is asked (disco#info to its domain) whether it offers
 *   `urn:xmpp:carbons:2`, and if so carbons are enabled for the gateway's session. Without them nothing changes.
 * - Section 5 and 6, a `<received/>` copy: a contact's message the server gave another resource of the account.
 *   It is handled as if it had come directly (the user's sessions get it as any chat), once: a message that also
 *   arrives directly (a server that both routes a message to this resource and copies it here) is taken once,
 *   by its sender, stanza id and body (SeenChats).
 * - Section 7, a `<sent/>` copy: the user wrote from another client. It becomes the user's own message in the
 *   conversation (AdapterContext.recordSentElsewhere): logged, and shown to her sessions with `carbon: "sent"`.
 *   Its corrections (XEP-0308) and retractions (XEP-0424, kept as her retraction) are mapped like contacts'
 *   (message-memory.ts), and so is her XEP-0444 reaction. One to an occupant of a MUC the
 *   gateway's session is in (room@service/nick, XEP-0045 7.5) is to that occupant's address, as the session's own are.
 * - Section 11, security: a copy counts only when the wrapper comes from the account itself (the bare JID, or
 *   no `from`: RFC 6120 section 8.1.2.1), and the copied message is the account's own (from it when sent, to it
 *   when received). Anything else is ignored as a copy (anyone could write a `<sent/>` into a message).
 *
 * What the gateway sends is never marked `<private/>` nor `<no-copy/>` (section 9): the server copies the user's
 * messages written from her native sessions to her other clients, which then see both sides too.
 */
import { createHash } from "node:crypto";
import { xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { toGatewayError } from "../../core/errors.js";
import { addressKey, sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { accountPeer, resourceOf } from "./addressing.js";
import { directDraft } from "./drafts.js";
import { directOriginal } from "./logged-originals.js";
import { CorrectionIds, RecentMap } from "./message-memory.js";
import { parseMessageStanza, type ParsedMessage } from "./parse.js";
import type { ParsedReactions } from "./reaction-stanzas.js";
import { isOwnRosterPush } from "./roster.js";
import { NS } from "./stanzas.js";

export const NS_CARBONS = "urn:xmpp:carbons:2";
const CARBONS_TIMEOUT_MS = 10_000;
/** How long a contact's message is remembered to take a second copy of it for the same message. */
const SEEN_WINDOW_MS = 10 * 60 * 1000;

/** The gateway id of the line a contact's client gave stanza id `id` (their side of the chat), if known. */
export type ContactLine = (contact: Address, id: string) => Promise<string | undefined>;

/** A message stanza as to carbons: none, a copy that does not count (and why), or the copied message. */
export type CarbonCopy =
  | { readonly kind: "none" }
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "sent" | "received"; readonly message: Element };

function attr(element: Element, name: string): string | undefined {
  const value: unknown = element.attrs[name];
  return typeof value === "string" ? value : undefined;
}

/** Whether a disco#info answer (the iq, or its query) lists carbons among its features. Pure. */
export function offersCarbons(answer: Element): boolean {
  const query = answer.is("query", NS.discoInfo) ? answer : answer.getChild("query", NS.discoInfo);
  return (query?.getChildren("feature") ?? []).some((feature) => attr(feature, "var") === NS_CARBONS);
}

/**
 * The copy a message stanza carries, if any, checked as section 11 requires; `ownBareJid` folded. A copy whose
 * wrapper comes from anyone but the account, or whose message is not the account's, is refused. Pure.
 */
export function carbonCopy(stanza: Element, ownBareJid: string): CarbonCopy {
  const sent = stanza.getChild("sent", NS_CARBONS);
  const wrapper = sent ?? stanza.getChild("received", NS_CARBONS);
  if (wrapper === undefined) return { kind: "none" };
  const from = attr(stanza, "from");
  if (!isOwnRosterPush(from, ownBareJid)) return { kind: "refused", reason: `a copy from ${from ?? "?"}, not from the account` };
  const message = wrapper.getChild("forwarded", NS.forward)?.getChild("message");
  if (message === undefined) return { kind: "refused", reason: "a copy without a forwarded message" };
  if (message.getChild("sent", NS_CARBONS) !== undefined || message.getChild("received", NS_CARBONS) !== undefined) {
    return { kind: "refused", reason: "a copy of a copy" };
  }
  // The side that is the account's may be left out (RFC 6120 section 8.1.2.1); the other side must be someone.
  const own = (jid: string | undefined): boolean => jid === undefined || accountPeer(jid, "carbons", ownBareJid).kind === "own";
  if (sent !== undefined) return own(attr(message, "from")) ? { kind: "sent", message } : { kind: "refused", reason: "a sent copy of someone else's message" };
  return own(attr(message, "to")) ? { kind: "received", message } : { kind: "refused", reason: "a received copy of a message to someone else" };
}

/**
 * Contacts' messages taken lately, by sender, stanza id and body: a second copy of one (a server that both routes it
 * here and copies it here) is not taken again. Messages without an id cannot be told apart and are always taken.
 */
export class SeenChats {
  private readonly seen = new RecentMap<number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True the first time (within SEEN_WINDOW_MS) this message of `from` is seen; remembers it. */
  first(from: Address, id: string | undefined, body: string): boolean {
    if (id === undefined) return true;
    const key = `${addressKey(from)} ${id} ${createHash("sha256").update(body).digest("base64")}`;
    const at = this.seen.get(key);
    const now = this.now();
    if (at !== undefined && now - at < SEEN_WINDOW_MS) return false;
    this.seen.set(key, now);
    return true;
  }
}

/** The carbons of one linked account's session: enabling them, and the user's messages sent from her other clients. */
export class Carbons {
  private readonly corrections = new CorrectionIds();
  private readonly seen = new SeenChats();
  /** Her lines from other clients, by gateway id -> the stanza id the contact got them under (that client's). */
  private readonly sentIds = new RecentMap<string>();
  /** Enabled for the current session: only then can a message arrive twice, and only then is it looked for. */
  private enabled = false;

  constructor(
    private readonly context: AdapterContext,
    private readonly owner: Address,
    /** The account's bare JID, folded. */
    private readonly ownJid: string,
    /** The resource of the gateway's own session: copies of its own messages are not the user's from elsewhere. */
    private readonly ownResource: string,
    /** The occupant a full JID names in a MUC she joined through the account: her private messages to it are to that address. */
    private readonly occupantAt: (jid: string) => Address | undefined = () => undefined,
  ) {}

  /** Sections 2 and 3: enabled when the account's server offers them; never fails the login (logged, then without). */
  async enable(connection: Client, domain: string): Promise<boolean> {
    this.enabled = false;
    try {
      const info = await connection.iqCaller.request(xml("iq", { type: "get", to: domain }, xml("query", { xmlns: NS.discoInfo })), CARBONS_TIMEOUT_MS);
      if (!offersCarbons(info)) return false;
      await connection.iqCaller.request(xml("iq", { type: "set" }, xml("enable", { xmlns: NS_CARBONS })), CARBONS_TIMEOUT_MS);
      this.context.log.info({ jid: this.ownJid }, "message carbons enabled");
      this.enabled = true;
      return true;
    } catch (error: unknown) {
      this.context.log.warn({ jid: this.ownJid, reason: (error as Error).message }, "message carbons not enabled");
      return false;
    }
  }

  /** Whether a contact's chat is to be taken: false for a second copy of one taken lately, with carbons on (SeenChats). */
  once(from: Address, id: string | undefined, body: string): boolean {
    return !this.enabled || this.seen.first(from, id, body);
  }

  /**
   * The copy a message stanza of the account carries (carbonCopy): a refused one is logged and counts as none, so
   * that the stanza is handled as it is. Synchronous, as the handling of a stanza must be until its correction ids
   * are taken (message-memory.ts): a received copy's message is handled as if it came directly, a sent one by sent().
   */
  copyIn(stanza: Element): CarbonCopy {
    const copy = carbonCopy(stanza, this.ownJid);
    if (copy.kind !== "refused") return copy;
    this.context.log.info({ jid: this.ownJid, from: attr(stanza, "from"), reason: copy.reason }, "message carbon ignored");
    return { kind: "none" };
  }

  /**
   * Her message with the line it corrects or retracts named by the id the contact got it under: a line from another
   * client of hers went with that client's stanza id, not the gateway id, so a correction or retraction from a session
   * must name it by that id. One from before a restart is read from the message log (its origin id).
   */
  async namedAtContact(message: Message): Promise<Message> {
    const replaces = message.replaces === undefined ? {} : { replaces: await this.idAtContact(message.replaces) };
    const retracts = message.retracts === undefined ? {} : { retracts: await this.idAtContact(message.retracts) };
    return { ...message, ...replaces, ...retracts };
  }

  /** The id the contact got her line `gatewayId` under (namedAtContact): its gateway id, or her other client's id. */
  async idAtContact(gatewayId: string): Promise<string> {
    const remembered = this.sentIds.get(gatewayId);
    if (remembered !== undefined) return remembered;
    const logged = await this.context.directLog?.message(gatewayId);
    const fromElsewhere = logged !== undefined && sameAddress(logged.from, this.owner) ? logged.origin.id : undefined;
    return fromElsewhere ?? gatewayId;
  }

  /**
   * The gateway id of her line to `contact` that a client of hers sent with stanza id `stanzaId` (a sent copy), as a
   * contact's XEP-0461 reply names it; one from before a restart is found in the message log (logged-originals.ts).
   */
  sentAs(contact: Address, stanzaId: string): Promise<string | undefined> {
    return directOriginal(this.context, this.corrections.known(this.owner, stanzaId, addressKey(contact)), this.owner, contact, stanzaId);
  }

  /**
   * Section 7: the user's chat from another client (a sent copy's message), with a body, to a contact, kept as hers; so
   * is her XEP-0444 reaction (sentReaction). `contactLine`: the gateway id of the contact's line their client gave `id`.
   */
  async sent(stanza: Element, contactLine: ContactLine = async () => undefined): Promise<void> {
    const parsed = parseMessageStanza(stanza, { from: this.ownJid, to: this.ownJid });
    if (!parsed.ok) return;
    const message = parsed.value;
    // Chat states and receipts of her other clients are theirs; groupchat is no conversation of the account's.
    if ((message.type !== "chat" && message.type !== "normal") || (message.body === undefined && message.retracts === undefined && message.reactions === undefined)) return;
    if (resourceOf(message.from) === this.ownResource) return;
    const peer = accountPeer(message.to, this.context.account, this.ownJid);
    const to = this.occupantAt(message.to) ?? (peer.kind === "contact" ? peer.address : undefined);
    if (to === undefined) return;
    if (message.reactions !== undefined) return this.sentReaction(message, message.reactions, to, contactLine);
    const retracts = message.retracts;
    const acceptance = this.corrections.begin(this.owner, retracts === undefined ? message : { replaces: retracts }, addressKey(to));
    let recordedId: string | undefined;
    try {
      // One from before a restart is found in the message log (logged-originals.ts), as a contact's is.
      const original = await directOriginal(this.context, acceptance.original, this.owner, to, retracts ?? message.replaces);
      // A retraction names her line as the contact got it: from that client, its own id (mapped); from a native
      // session, the gateway id itself (the core checks it is hers, in this conversation).
      const draft = retracts === undefined ? directDraft(this.context.account, message, this.owner, to, original) : { ...directDraft(this.context.account, message, this.owner, to), body: "", retracts: original ?? retracts };
      recordedId = (await this.context.recordSentElsewhere(draft)).id;
      if (retracts === undefined && message.id !== undefined) this.sentIds.set(recordedId, message.id);
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      this.context.log.info({ jid: this.ownJid, to: message.to, code: gatewayError.code, reason: gatewayError.message }, "message sent from another client not recorded");
    } finally {
      acceptance.done(recordedId);
    }
  }

  /**
   * Her XEP-0444 reaction from another client, kept and shown as hers (the core checks it as one from a session): the
   * line named as that client knows it, the contact's by their client's id, hers from that client by its id, hers from
   * a native session by its gateway id.
   */
  private async sentReaction(message: ParsedMessage, reactions: ParsedReactions, to: Address, contactLine: ContactLine): Promise<void> {
    try {
      const reacted = (await contactLine(to, reactions.id)) ?? (await this.sentAs(to, reactions.id)) ?? reactions.id;
      await this.context.recordSentElsewhere({ ...directDraft(this.context.account, message, this.owner, to), body: "", reactsTo: { id: reacted }, reactions: reactions.reactions });
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      this.context.log.info({ jid: this.ownJid, to: message.to, code: gatewayError.code, reason: gatewayError.message }, "reaction sent from another client not recorded");
    }
  }
}
