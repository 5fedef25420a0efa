/**
 * The lines a bridge bot's MUCs send it (bot-adapter.ts): an occupant's groupchat line goes to the bridged native
 * room under their nick, with its XEP-0308 correction named by gateway id; history replayed at join (delayed lines
 * before the room's subject: muc-history-gate.ts), the bot's own echo and lines relayed by a bridge are not
 * relayed. A live line that cannot be relayed as it is (too long) is logged and its sender told in a private message. A MUC's error for a line the bot relayed is a bounce of
 * that message. An occupant's XEP-0424 retraction of a line the bot relayed is a retraction in the native room: named
 * by the MUC's stanza-id (section 5, where the MUC gives them) or by the id her client gave it (older clients). An
 * occupant's XEP-0461 reply names the answered line by the room's stanza-id: a reply only when the bot knows that id
 * as a line of this MUC (muc-line-ids.ts, also after a restart), never any other line of the bridged room, whose
 * words the core would quote; its fallback quote is cut off the body either way (reply-stanzas.ts).
 * A correction or retraction is carried as one only of the occupant's own line, by XEP-0421 occupant id where the MUC
 * gives them, also after a restart (bot-line-owners.ts). Occupant ids and the room's stanza-ids are taken only from a MUC
 * that announces them at this join (muc-features.ts): one that does not would reflect forged ones unchanged. Lines go
 * on in the MUC's order (muc-arrival-order.ts).
 */
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import { addressKey, makeAddress, type Address } from "../../core/model/address.js";
import type { XmppBotRoomConfig } from "../../config/config-types.js";
import { parseMessageStanza } from "./parse.js";
import type { ParsedReactions } from "./reaction-stanzas.js";
import { CorrectionIds } from "./message-memory.js";
import type { MucOccupants } from "./muc-occupants.js";
import type { BotFailureReports } from "./bot-failure-reports.js";
import { bridgedRoom, mucAddress } from "./bot-addresses.js";
import { isRelayed } from "./stanzas.js";
import type { MucLineIds, MucSpeaker } from "./muc-line-ids.js";
import type { MucFeatures } from "./muc-features.js";
import { MucArrivalOrder, type Pending } from "./muc-arrival-order.js";
import { BotLineOwners, lineKeeper, type OwnLine } from "./bot-line-owners.js";
import { isSubjectMessage, MucHistoryGate } from "./muc-history-gate.js";

export class BotMucLines {
  /** Occupants' stanza ids -> gateway ids, per MUC: an occupant's XEP-0308 correction names its line by its own id. */
  private readonly corrections = new CorrectionIds();
  /** Whose is a line an occupant corrects or retracts. */
  private readonly owners: BotLineOwners;
  /** Each MUC's lines submitted in their order of arrival, also when one waits for the store. */
  private readonly order = new MucArrivalOrder();
  /** Which MUCs' lines are live: those whose subject came since the bot's join (muc-history-gate.ts). */
  private readonly history = new MucHistoryGate();

  constructor(
    private readonly context: AdapterContext,
    private readonly occupants: MucOccupants,
    private readonly reports: BotFailureReports,
    /** The bridged MUC of a bare JID, in any case. */
    private readonly roomOf: (muc: string) => XmppBotRoomConfig | undefined,
    /** The MUCs' stanza-ids of the bot's own lines, taken from their reflections (muc-line-ids.ts). */
    private readonly relayedIds: MucLineIds,
    /** What each MUC announced at the bot's join: whether its occupant ids and stanza-ids are its own. */
    private readonly features: MucFeatures,
  ) {
    this.owners = new BotLineOwners(context, reports, relayedIds);
  }

  /** The bot's join of `muc` is on its way: what it says is history until its subject comes. */
  joining(muc: string): void {
    this.history.joining(muc);
  }

  /** The bot left `muc` (no longer bridged). */
  left(muc: string): void {
    this.history.left(muc);
  }

  /** A groupchat message from a MUC: an occupant's live line is relayed to the native room. */
  groupchat(stanza: Element): void {
    // The nick is all of the resource: "Juliet/x" is someone else than Juliet, whose puppet and name it must not get.
    const { muc, nick } = occupantOf(String(stanza.attrs["from"] ?? ""));
    const room = this.roomOf(muc);
    // History replayed at the join (muc-history-gate.ts) and the subject relay nothing. Bridged MUCs only: the gate
    // keeps none other.
    if (!room || this.history.history(muc, stanza) || isSubjectMessage(stanza)) return;
    // Our own echo is not relayed, but tells the room's id of the line, by which the bot can retract it.
    if (nick === room.nick) return this.relayedIds.echoed(stanza, muc, nick);
    if (isRelayed(stanza)) return; // relayed by a bridge (maybe another Switchboard): never relayed again
    if (nick === "") return; // the room itself
    const parsed = parseMessageStanza(stanza);
    if (!parsed.ok) {
      if (stanza.getChild("body") === undefined) return;
      this.context.log.info({ muc: room.muc, nick, reason: parsed.problem.text }, "MUC line not relayed");
      this.reports.tell(room, nick, `Your line was not relayed: ${parsed.problem.text}.`);
      return;
    }
    const from = makeAddress("xmpp", this.context.account, `${muc.toLowerCase()}/${nick}`);
    // Who says it, as the MUC shows it: a correction or retraction is of her own lines only (bot-line-owners.ts).
    const speaker = { nick, occupantId: this.features.occupantIdOf(stanza, muc) };
    if (parsed.value.retracts !== undefined) return this.retraction(room, muc, from, speaker, parsed.value.retracts);
    if (parsed.value.reactions !== undefined) return this.reaction(room, muc, from, nick, parsed.value.reactions);
    if (parsed.value.body === undefined) return;
    const message = parsed.value;
    // Who said it, taken now: by the time a failure is reported, someone else may hold the nick.
    const identity = this.occupants.identify(muc, nick);
    const sender = identity === undefined ? undefined : { ...identity, ...(speaker.occupantId === undefined ? {} : { occupantId: speaker.occupantId }) };
    // Begun before anything is awaited, so that a correction sent right after its line finds the line's id.
    // Kept by her occupant id where the MUC gives them: a correction under a new nick finds it (bot-line-owners.ts).
    const keeper = lineKeeper(from, speaker);
    const acceptance = this.corrections.begin(keeper, message, muc.toLowerCase());
    // The MUC's own id of the line (XEP-0359), by which a XEP-0424 retraction names it.
    const roomId = this.features.stanzaIdOf(stanza, muc);
    const byRoomId = roomId === undefined ? undefined : this.corrections.begin(keeper, { id: roomId }, muc.toLowerCase());
    // XEP-0461: the answered line by the room's stanza-id (muc-line-ids.ts: memory, then the store). One the bot does
    // not know as a line of this MUC is no reply: the line goes on as a plain message, its fallback quote cut all the same.
    const answering = message.reply === undefined ? undefined : this.relayedIds.answered(muc, message.reply.id);
    // A correction of a line the bot does not know, or of someone else's (bot-line-owners.ts), goes on as a new line.
    const replacing = message.replaces === undefined ? undefined : this.owners.hers(muc, bridgedRoom(room), from, speaker, message.replaces, acceptance.original, false);
    // A line waiting for a lookup (a reply or correction) keeps its turn: the MUC's later lines wait for it.
    const ready: Pending<readonly [string | undefined, OwnLine | undefined]> = typeof answering === "object" || replacing !== undefined ? Promise.all([answering, replacing]) : [answering, undefined];
    let acceptedId: string | undefined;
    this.order.run(muc, ready, (looked) => {
      const [answered, replaces] = looked ?? [undefined, undefined];
      const submitted = this.context.submit({
        origin: { protocol: "xmpp", account: this.context.account, ...(message.id === undefined ? {} : { id: message.id }) },
        scope: "room",
        kind: message.messageKind,
        // A correction comes from the address its line was said from, under the nick she has now (bot-line-owners.ts).
        from: replaces?.from ?? from,
        to: bridgedRoom(room),
        // The MUC it was said in: never sent back there, and relayed to the room's other MUCs of this bot.
        hops: [addressKey(mucAddress(this.context.account, room.muc))],
        senderName: nick,
        body: message.body ?? "",
        ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
        ...(replaces === undefined ? {} : { replaces: replaces.id }),
        ...(answered === undefined ? {} : { replyTo: { id: answered } }),
      }, {
        // Known by its id before any delivery starts: a failure reported at once still finds who said it, and a
        // native member's reply to it finds the room's id of it.
        onAccepted: (accepted) => {
          if (sender !== undefined) this.reports.said(accepted.id, sender);
          if (roomId !== undefined) this.relayedIds.received(muc, roomId, accepted.id, speaker);
        },
      });
      void submitted
        .then((accepted) => {
          acceptedId = accepted.id;
        })
        .catch((error: unknown) => this.context.log.warn({ err: error, muc }, "MUC message not relayed"))
        .finally(() => {
          acceptance.done(acceptedId);
          byRoomId?.done(acceptedId);
        });
    });
  }

  /**
   * XEP-0444: an occupant's reactions to a line of the MUC, named by its stanza-id, mapped to the gateway id as a reply's
   * answered line is, only for a line of this MUC (muc-line-ids.ts): one the bot does not know as such is logged and left
   * alone (a guessed gateway id must not have another line of the room quoted to its other networks).
   */
  private reaction(room: XmppBotRoomConfig, muc: string, from: Address, nick: string, reactions: ParsedReactions): void {
    const hops = [addressKey(mucAddress(this.context.account, room.muc))];
    this.order.run(muc, this.relayedIds.answered(muc, reactions.id), (reacted) => {
      if (reacted === undefined) return this.context.log.info({ muc }, "MUC reaction to a line the bot does not know: left alone");
      void this.context
        .submit({ origin: { protocol: "xmpp", account: this.context.account }, scope: "room", kind: "text", from, to: bridgedRoom(room), hops, senderName: nick, body: "", reactsTo: { id: reacted }, reactions: reactions.reactions })
        .catch((error: unknown) => this.context.log.info({ err: error, muc }, "MUC reaction not relayed"));
    });
  }

  /**
   * An occupant retracts a line the bot relayed, if she said it (bot-line-owners.ts): one it does not know, or whose
   * sender it cannot tell is her, is left alone.
   */
  private retraction(room: XmppBotRoomConfig, muc: string, from: Address, speaker: MucSpeaker, retracts: string): void {
    const acceptance = this.corrections.begin(lineKeeper(from, speaker), { replaces: retracts }, muc.toLowerCase());
    const original = this.owners.hers(muc, bridgedRoom(room), from, speaker, retracts, acceptance.original, true).finally(() => acceptance.done(undefined));
    this.order.run(muc, original, (retracted) => {
      if (retracted === undefined) return;
      const origin = { protocol: "xmpp" as const, account: this.context.account };
      const hops = [addressKey(mucAddress(this.context.account, room.muc))];
      this.context
        .submit({ origin, scope: "room", kind: "text", from: retracted.from, to: bridgedRoom(room), hops, senderName: speaker.nick, body: "", retracts: retracted.id })
        .catch((error: unknown) => this.context.log.info({ err: error, muc }, "MUC retraction not relayed"));
    });
  }

  /**
   * A MUC refused a line the bot relayed (not an occupant after a refused join, a visitor in a moderated room,
   * too long): its stanza id is the gateway id, so the message's sender hears that the MUC did not take it.
   */
  refused(stanza: Element): void {
    this.context.log.warn({ from: stanza.attrs["from"], id: stanza.attrs["id"], error: stanza.getChild("error")?.toString() }, "the MUC refused a relayed line");
    const parsed = parseMessageStanza(stanza);
    // Only the MUC itself (its bare JID) answers for a line sent to it; an occupant cannot fail someone's line.
    const room = this.roomOf(String(stanza.attrs["from"] ?? ""));
    const id = stanza.attrs["id"];
    if (!parsed.ok || !room || id === undefined) return;
    const condition = parsed.value.error?.condition ?? "undefined-condition";
    const text = parsed.value.error?.text ?? `the MUC refused it: ${condition}`;
    this.context.bounced(id, mucAddress(this.context.account, room.muc), new GatewayError("GW_ERR_DELIVERY_FAILED", `${room.muc}: ${text}`, { condition }));
  }
}

/** The MUC (bare JID) and the occupant's nick (the whole resource, slashes and all) of an occupant JID. */
function occupantOf(jid: string): { muc: string; nick: string } {
  const slash = jid.indexOf("/");
  return slash < 0 ? { muc: jid, nick: "" } : { muc: jid.slice(0, slash), nick: jid.slice(slash + 1) };
}
