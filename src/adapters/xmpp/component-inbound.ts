/**
 * Stanzas from the XMPP server to the component, translated to the core: messages are submitted (and
 * refused with a stanza error the XMPP sender sees), presence of XMPP users is aggregated per person,
 * subscription stanzas become the core's consent events, and probes are answered from the core's roster.
 * A stanza that cannot be understood gets an error reply and a log line; nothing here throws.
 *
 * A sender's presence stanzas and avatar notifications are handled one at a time, in the order they came (`inTurn`):
 * one awaits the store (whether she is related to its recipient) where another does not (`unavailable`), and a later
 * one must not overtake it, or she would stay shown as the earlier one said.
 */
import type { Element } from "ltx";
import type { AdapterContext, SubscriptionAction } from "../../core/adapter.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { formatAddress, type Address } from "../../core/model/address.js";
import { addressToJid, jidToAddress, resourceOf, withoutResource, xmppUserAddress } from "./addressing.js";
import { chatRefusal, stanzaConditionFor } from "./error-conditions.js";
import { directDraft, directReplyTo } from "./drafts.js";
import { parseMessageStanza, parsePresenceStanza, type ParsedMessage } from "./parse.js";
import type { ParsedReactions } from "./reaction-stanzas.js";
import { ResourcePresence } from "./resource-presence.js";
import { chatMessage, presence as presenceStanza, stanzaError, subscription as subscriptionStanza } from "./stanzas.js";
import { CorrectionIds, ReceiptRequests } from "./message-memory.js";
import { directOriginal } from "./logged-originals.js";
import type { GatewayRooms } from "./gateway-rooms.js";
import { isRoomAddress } from "./room-addresses.js";
import { invitationPayload } from "./room-invitations.js";
import { UnheardApprovals } from "./unheard-approvals.js";
import type { ContactCapabilities } from "./contact-capabilities.js";
import type { GatewayContact } from "./gateway-contact.js";
import type { AnnouncementAudience } from "./announcement-audience.js";
import { heardPhoto, photoOf } from "./avatar-stanzas.js";
import type { AvatarCache } from "./avatar-cache.js";
import { avatarNotification, type PepMetadata } from "./pep-avatars.js";
import { AwaitedReceipts } from "./awaited-receipts.js";
import { SerialByKey } from "../../util/serial-by-key.js";

const SUBSCRIPTION_ACTIONS: Record<string, SubscriptionAction> = {
  subscribe: "request",
  subscribed: "approve",
  unsubscribed: "deny",
  unsubscribe: "remove",
};

const CONTACT_RESOURCE = "switchboard";

export class ComponentInbound {
  private readonly resources = new ResourcePresence();
  private readonly corrections = new CorrectionIds();
  private readonly unheard = new UnheardApprovals();
  /** Each sender's (bare JID's) presence stanzas and avatar notifications, one at a time. */
  private readonly inTurn = new SerialByKey();
  readonly receipts = new ReceiptRequests();
  /** Receipts asked of XMPP users for the gateway's senders (awaited-receipts.ts). */
  readonly awaited: AwaitedReceipts;

  constructor(
    private readonly domain: string,
    private readonly context: AdapterContext,
    private readonly write: (element: Element) => Promise<void>,
    private readonly rooms: GatewayRooms,
    private readonly messagesFrom: "contacts" | "anyone" = "anyone",
    /** The caps that contacts' presence carries (XEP-0115); none without. */
    private readonly contacts?: ContactCapabilities,
    /** The domain itself as a contact (gateway-contact.ts): presence to the bare domain. Without, it is refused as nobody's. */
    private readonly gateway?: Pick<GatewayContact, "presence">,
    /** Who is told announcements (announcement-audience.ts): a linked JID's sessions online. */
    private readonly audience?: Pick<AnnouncementAudience, "available" | "unavailable" | "clear">,
    /** XMPP users' avatars kept (avatar-cache.ts): a presence's XEP-0153 hash drops a picture of another. */
    private readonly photos?: Pick<AvatarCache, "heard">,
  ) {
    this.awaited = new AwaitedReceipts(context);
  }

  reset(): void {
    this.resources.clear();
    this.audience?.clear();
    this.unheard.clear();
    this.rooms.reset();
  }

  handle(stanza: Element): void {
    const sender = withoutResource(String(stanza.attrs["from"] ?? "")).toLowerCase();
    const avatar = stanza.name === "message" && stanza.attrs["type"] !== "error" ? avatarNotification(stanza) : undefined;
    const work =
      avatar !== undefined
        ? this.inTurn.run(sender, () => this.avatarNotified(stanza, avatar))
        : stanza.name === "message"
          ? this.message(stanza)
          : stanza.name === "presence"
            ? this.inTurn.run(sender, () => this.presence(stanza))
            : Promise.resolve();
    work.catch((error: unknown) => this.context.log.error({ err: error, stanza: stanza.name }, "XMPP stanza not handled"));
  }

  private async refuse(stanza: Element, type: Parameters<typeof stanzaError>[1], condition: string, text: string): Promise<void> {
    this.context.log.info({ from: stanza.attrs["from"], to: stanza.attrs["to"], condition, reason: text }, "XMPP stanza refused");
    if (stanza.attrs["type"] === "error") return; // never answer an error with an error (RFC 6120 8.3.1)
    await this.write(stanzaError(stanza, type, condition, text)).catch(() => undefined);
  }

  private async message(stanza: Element): Promise<void> {
    const parsed = parseMessageStanza(stanza);
    if (!parsed.ok) return this.refuse(stanza, "modify", parsed.problem.condition, parsed.problem.text);
    const message = parsed.value;
    if (message.type === "error") {
      this.context.log.info({ from: message.from, id: message.id, error: message.error }, "XMPP delivery error");
      // Our stanza ids are gateway ids: the bounce names the message whose sender must learn of it.
      if (message.id !== undefined) {
        const condition = message.error?.condition ?? "undefined-condition";
        const text = message.error?.text ?? `the XMPP server refused it: ${condition}`;
        try {
          const recipient = xmppUserAddress(withoutResource(message.from), this.context.account);
          this.context.bounced(message.id, recipient, new GatewayError("GW_ERR_DELIVERY_FAILED", text, { condition }));
        } catch {
          // A bounce from an address that cannot be ours: nothing to report.
        }
      }
      return;
    }
    if (withoutResource(message.to).toLowerCase() === this.domain.toLowerCase() && message.body !== undefined && message.type !== "groupchat") {
      // XEP-0066: a file sent to the gateway is no command, nor its URL (which clients repeat as the body): a link code
      // read from an upload's URL would link whoever shared it, and each would count as a wrong code. The help text.
      return this.toGateway(stanza, message.from, message.attachments === undefined ? message.body : undefined);
    }
    let from: Address;
    let to: Address;
    try {
      from = xmppUserAddress(withoutResource(message.from), this.context.account);
      to = jidToAddress(message.to, this.domain);
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      const { type, condition } = stanzaConditionFor(gatewayError.code);
      return this.refuse(stanza, type, condition, gatewayError.message);
    }
    if (isRoomAddress(to)) {
      // XEP-0045 7.8.2: invites and declines are sent to the room's bare JID (a normal message, no body needed).
      const invitations = message.type !== "groupchat" && resourceOf(message.to) === "" ? invitationPayload(stanza) : undefined;
      if (invitations) return this.rooms.invitation(stanza, invitations, message.from, from, to);
      if (message.type !== "groupchat") {
        if (resourceOf(message.to) === "") return this.refuse(stanza, "modify", "bad-request", "a chat message to a room goes to one of its occupants: room/nick");
        return this.rooms.privateMessage(stanza, message, from, to);
      }
      return this.rooms.message(stanza, message, from, to);
    }
    if (message.type === "groupchat") return this.refuse(stanza, "modify", "bad-request", "groupchat is for rooms");
    if (message.receivedId !== undefined) this.awaited.received(from, to, message.receivedId);
    if (message.retracts !== undefined) return this.retraction(stanza, message, message.retracts, from, to);
    if (message.reactions !== undefined) return this.reaction(stanza, message, message.reactions, from, to);
    if (message.body === undefined) {
      if (message.chatState === "composing" || message.chatState === "paused" || message.chatState === "active") {
        if (await this.context.knows(to)) this.context.dispatch({ type: "typing", typing: { from, to, state: message.chatState } });
      }
      return;
    }
    // XEP-0308: begun before anything is awaited, so that a correction sent right after this line finds it.
    const acceptance = this.corrections.begin(from, message);
    let acceptedId: string | undefined;
    try {
      // Unknown recipients are left to submit(), which answers item-not-found. The rule protects the gateway's own
      // users; an IRC user has no presence consent to ask for (a subscription is approved at once), and anyone on
      // IRC may write to them, so with Biboumi as with IRC itself an XMPP user writes to an IRC nick straight away.
      if (this.messagesFrom === "contacts" && to.protocol !== "irc" && (await this.context.knows(to)) && !(await this.context.related(from, to))) {
        return await this.refuse(stanza, "cancel", "service-unavailable", "this user accepts messages from contacts only: subscribe to their presence first");
      }
      const replaces = await directOriginal(this.context, acceptance.original, from, to, message.replaces);
      // Recorded before submitting: the delivery (and so the receipt) can happen before submit() returns.
      if (message.receiptRequest && message.id !== undefined) this.receipts.add(from, message.id);
      const replyTo = await directReplyTo(this.context, this.corrections, message, from, to);
      const accepted = await this.context.submit({ ...directDraft(this.context.account, message, from, to, replaces), ...replyTo });
      acceptedId = accepted.id;
    } catch (error: unknown) {
      // A blocked sender's refusal is an unknown recipient's (core/blocklist.ts), answered alike (error-conditions.ts chatRefusal).
      const { type, condition } = chatRefusal(error);
      await this.refuse(stanza, type, condition, toGatewayError(error).message);
    } finally {
      acceptance.done(acceptedId);
    }
  }

  /**
   * XEP-0424: an XMPP user retracts her message, named by the id her client gave it (CorrectionIds, as a correction
   * names it; one sent before a restart is found in the message log, logged-originals.ts): a retraction of the
   * core's, checked there as her own.
   */
  private async retraction(stanza: Element, message: ParsedMessage, retracts: string, from: Address, to: Address): Promise<void> {
    const acceptance = this.corrections.begin(from, { replaces: retracts });
    try {
      const original = await directOriginal(this.context, acceptance.original, from, to, retracts);
      if (original === undefined) return await this.refuse(stanza, "cancel", "item-not-found", "no recent message of yours with that id to retract");
      await this.context.submit({ ...directDraft(this.context.account, message, from, to), body: "", retracts: original });
    } catch (error: unknown) {
      const { type, condition } = chatRefusal(error);
      await this.refuse(stanza, type, condition, toGatewayError(error).message);
    } finally {
      acceptance.done(undefined);
    }
  }

  /**
   * XEP-0444: an XMPP user's reactions to a message of the chat, named by the id her client knows it by: the gateway id
   * of one she was sent, or the id her client gave one of her own (found as a reply's, drafts.ts). The core checks it
   * is of this conversation and each reaction (core/message-reactions.ts); a refusal is her stanza's error.
   */
  private async reaction(stanza: Element, message: ParsedMessage, reactions: ParsedReactions, from: Address, to: Address): Promise<void> {
    try {
      const own = await directOriginal(this.context, this.corrections.known(from, reactions.id), from, to, reactions.id);
      await this.context.submit({ ...directDraft(this.context.account, message, from, to), body: "", reactsTo: { id: own ?? reactions.id }, reactions: reactions.reactions });
    } catch (error: unknown) {
      const { type, condition } = chatRefusal(error);
      await this.refuse(stanza, type, condition, toGatewayError(error).message);
    }
  }

  /**
   * A chat to the gateway's own domain: a link code sent back (core/identities.ts), or anything else, which
   * gets a short explanation of what the gateway is (so does a message of files: `body` undefined, never read).
   */
  private async toGateway(stanza: Element, fromJid: string, body: string | undefined): Promise<void> {
    let from: Address;
    try {
      from = xmppUserAddress(withoutResource(fromJid), this.context.account);
    } catch (error: unknown) {
      const { type, condition } = stanzaConditionFor(toGatewayError(error).code);
      return this.refuse(stanza, type, condition, toGatewayError(error).message);
    }
    if (body !== undefined && (await this.context.serviceMessage(from, body))) return;
    await this.write(
      chatMessage({
        from: this.domain,
        to: withoutResource(fromJid),
        id: `gw-${Date.now().toString(36)}`,
        body: `This is the Switchboard gateway ${this.domain}. People of other networks are JIDs here: alice@${this.domain} (a Switchboard user), bob%libera@${this.domain} (IRC user bob on network libera), #room@${this.domain} (a room).`,
        kind: "text",
        type: "chat",
      }),
    );
  }

  private async presence(stanza: Element): Promise<void> {
    const parsed = parsePresenceStanza(stanza);
    if (!parsed.ok) return this.refuse(stanza, "modify", parsed.problem.condition, parsed.problem.text);
    const presence = parsed.value;
    if (presence.type === "error") return;
    if (this.gateway !== undefined && withoutResource(presence.to).toLowerCase() === this.domain.toLowerCase()) return this.gateway.presence(presence.type, presence.from);
    let from: Address;
    let to: Address;
    try {
      from = xmppUserAddress(withoutResource(presence.from), this.context.account);
      to = jidToAddress(presence.to, this.domain);
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      const { type, condition } = stanzaConditionFor(gatewayError.code);
      return this.refuse(stanza, type, condition, gatewayError.message);
    }
    const action = SUBSCRIPTION_ACTIONS[presence.type];
    if (action !== undefined && isRoomAddress(to)) return this.refuse(stanza, "cancel", "not-allowed", "a room has no presence subscription; join it instead");
    if (action !== undefined) {
      this.unheard.heard(from, to);
      if (!(await this.context.knows(to))) return this.refuse(stanza, "cancel", "item-not-found", `nobody is known at ${presence.to}`);
      this.context.dispatch({ type: "subscription", subscription: { from, to, action } });
      return;
    }
    if (presence.type === "probe") return this.answerProbe(from, to, presence.from);
    // Whether the room exists (or may be bridged now: an IRC channel on a network with open_channels) is the
    // join's to answer (item-not-found, forbidden).
    if (isRoomAddress(to)) return this.rooms.presence(stanza, presence, from, to);
    if (presence.type === "available" && this.unheard.firstPresence(from, to) && (await this.context.awaitsAnswer(from, to))) {
      // Her server shows her presence to subscribers only: she approved while the gateway could not hear it
      // (unheard-approvals.ts). Taken as her `subscribed`, and the presence counts as the one sent after it.
      this.context.log.info({ from: formatAddress(from), to: formatAddress(to) }, "presence from someone asked to share it: taken as the approval the gateway did not hear");
      this.context.dispatch({ type: "subscription", subscription: { from, to, action: "approve" } });
    }
    // Presence counts between people who know each other (a subscription either way, a linked account): from
    // anyone else it would show nobody anything, and a server minting JIDs without end could fill the memory.
    if (presence.type !== "unavailable" && !(await this.context.related(from, to))) {
      this.context.log.debug({ from: presence.from, to: presence.to }, "presence from someone unrelated to its recipient: ignored");
      return;
    }
    // XEP-0153: her avatar's hash (empty: none), told with this presence itself: once, in its turn (AdapterContext.avatars `heardInPresence`).
    const photo = presence.type === "available" ? heardPhoto(stanza) : undefined;
    let avatarChanged = false;
    if (photo !== undefined) {
      this.photos?.heard(from.id, photo);
      avatarChanged = this.context.avatars.heardInPresence(from, photo === "" ? null : { hash: photo });
    }
    if (presence.type === "unavailable") this.audience?.unavailable(from.id, resourceOf(presence.from));
    else if (this.audience !== undefined && this.context.linkedPerson(from) !== undefined) this.audience.available(from.id, resourceOf(presence.from));
    const aggregate = this.resources.update(from, resourceOf(presence.from), {
      from,
      show: presence.type === "unavailable" ? "offline" : presence.show,
      status: presence.status,
      priority: presence.priority,
      since: Date.now(),
    });
    this.context.dispatch({ type: "presence", presence: aggregate, ...(avatarChanged ? { avatarChanged } : {}) });
  }

  /**
   * A PEP notification of the sender's XEP-0084 avatar (mod_pep sends them to a native contact's JID, whose caps name
   * `urn:xmpp:avatar:metadata+notify`): her new hash, heard as a XEP-0153 one is, from someone related to its recipient.
   */
  private async avatarNotified(stanza: Element, avatar: PepMetadata): Promise<void> {
    try {
      const from = xmppUserAddress(withoutResource(String(stanza.attrs["from"] ?? "")), this.context.account);
      const to = jidToAddress(String(stanza.attrs["to"] ?? ""), this.domain);
      if (isRoomAddress(to) || !(await this.context.related(from, to))) return;
      this.photos?.heard(from.id, avatar.kind === "none" ? "" : avatar.hash);
      await this.context.avatars.heard(from, avatar.kind === "none" ? null : { hash: avatar.hash, type: avatar.type });
    } catch (error: unknown) {
      this.context.log.debug({ err: error, from: stanza.attrs["from"] }, "avatar notification ignored");
    }
  }

  /** RFC 6121 section 4.3.2: a probe is answered with the contact's presence, or unsubscribed when not allowed. */
  private async answerProbe(viewer: Address, subject: Address, viewerJid: string): Promise<void> {
    const subjectJid = addressToJid(subject, this.domain);
    const seen = await this.context.probe(subject, viewer);
    if (seen === undefined) {
      this.context.log.debug({ viewer: formatAddress(viewer), subject: formatAddress(subject) }, "probe without subscription");
      await this.write(subscriptionStanza(subjectJid, withoutResource(viewerJid), "unsubscribed"));
      return;
    }
    const caps = this.contacts?.capsOf(subject);
    await this.write(
      presenceStanza({ from: `${subjectJid}/${CONTACT_RESOURCE}`, to: withoutResource(viewerJid), show: seen.show, status: seen.status, priority: seen.priority, ...(caps === undefined ? {} : { caps }), ...photoOf(subject, (owner) => this.context.avatars.refOf(owner)) }),
    );
  }
}
