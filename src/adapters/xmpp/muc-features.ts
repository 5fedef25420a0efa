/**
 * What another server's MUC says it does (its disco#info, XEP-0030), asked once per join by a bridge bot and a linked
 * account, and what the bot and the account may therefore believe of the lines it reflects:
 *
 * - An `<occupant-id/>` (XEP-0421) is the room's word only where the room announces `urn:xmpp:occupant-id:0`: a MUC
 *   that implements it strips any an occupant's client wrote (section 4); one that does not (Prosody 0.12 with
 *   `muc_occupant_id = false`, or a MUC without XEP-0421) reflects a forged one unchanged, with which an occupant could
 *   pass for another. Elsewhere the nick rule of MUCs without occupant ids stands (bot-line-owners.ts).
 * - A `<stanza-id by="room"/>` (XEP-0359) is the room's only where it announces `urn:xmpp:sid:0`: an entity that does
 *   not announce it may not strip those its occupants wrote (section 'Business rules'). Prosody 0.12 announces it in
 *   every room of a service with mod_muc_mam, which strips such ids from every line and stamps its own; without
 *   mod_muc_mam it neither announces nor strips.
 * - `urn:xmpp:mam:2`: the room keeps an archive (account-muc-catch-up.ts).
 *
 * The question goes out right after the join presence, so that the room exists and knows the occupant when it
 * answers (a hidden or members-only room answers only its occupants). Until the answer comes, and when none comes
 * (an error, a timeout, an answer from any JID but the room's), nothing is trusted: lines arriving meanwhile are judged
 * by nick and named by their own ids.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { toGatewayError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { NS_MAM } from "./mam-query.js";
import { mucStanzaId, occupantIdOf } from "./muc-line-ids.js";
import { NS } from "./stanzas.js";

/** Sends an iq to a room and resolves with its result; rejects with its error or a timeout. */
export type AskRoom = (iq: Element) => Promise<Element | undefined>;

/** What a MUC announced at the last join. */
export interface MucTrust {
  /** XEP-0421: it gives occupant ids (and strips forged ones). */
  readonly occupantIds: boolean;
  /** XEP-0359: its `<stanza-id by="room"/>` are its own (forged ones stripped). */
  readonly stanzaIds: boolean;
  /** XEP-0313: it keeps an archive. */
  readonly archive: boolean;
}

/** Nothing announced (yet): nothing trusted. */
export const UNTRUSTED: MucTrust = { occupantIds: false, stanzaIds: false, archive: false };

export class MucFeatures {
  /** The answers of the current joins, by MUC (lower case). */
  private readonly known = new Map<string, MucTrust>();
  /** The questions of the current joins, by MUC (lower case). */
  private readonly asked = new Map<string, Promise<MucTrust>>();

  constructor(
    private readonly log: Logger,
    private readonly ask: AskRoom,
  ) {}

  /** The join presence to `muc` was written: its features are asked again, and nothing is trusted until they come. */
  joined(muc: string): void {
    const key = muc.toLowerCase();
    this.known.delete(key);
    const question: Promise<MucTrust> = this.ask(xml("iq", { type: "get", to: muc }, xml("query", { xmlns: NS.discoInfo })))
      .then((info) => {
        if (fromRoom(info, muc)) return featuresOf(info);
        // Matched by its id alone (the iq caller's way): from anyone else, it is not the room's word (RFC 6120 8.1.2.1).
        this.log.info({ muc, from: info?.attrs["from"] as unknown }, "MUC disco#info answered by another JID: its occupant ids and stanza ids are not trusted");
        return UNTRUSTED;
      })
      .catch((error: unknown) => {
        this.log.info({ err: toGatewayError(error), muc }, "MUC disco#info not answered: its occupant ids and stanza ids are not trusted");
        return UNTRUSTED;
      })
      .then((trust) => {
        if (this.asked.get(key) === question) this.known.set(key, trust);
        return trust;
      });
    this.asked.set(key, question);
  }

  /** What `muc` announced at this join, once it answered (UNTRUSTED when no join asked it). */
  async answer(muc: string): Promise<MucTrust> {
    return (await this.asked.get(muc.toLowerCase())) ?? UNTRUSTED;
  }

  /** What `muc` announced at this join: UNTRUSTED until its answer came. */
  trust(muc: string): MucTrust {
    return this.known.get(muc.toLowerCase()) ?? UNTRUSTED;
  }

  /** The occupant id of an occupant's stanza from `muc`, where the room vouches for it (see the header). */
  occupantIdOf(stanza: Element, muc: string): string | undefined {
    return this.trust(muc).occupantIds ? occupantIdOf(stanza) : undefined;
  }

  /** The room's stanza-id of a line of `muc`, where the room vouches for it (see the header). */
  stanzaIdOf(stanza: Element, muc: string): string | undefined {
    return this.trust(muc).stanzaIds ? mucStanzaId(stanza, muc) : undefined;
  }

  /** No longer in `muc`. */
  forget(muc: string): void {
    this.known.delete(muc.toLowerCase());
    this.asked.delete(muc.toLowerCase());
  }
}

/** Whether an answer comes from `muc` itself (its bare JID, in any case). */
function fromRoom(info: Element | undefined, muc: string): boolean {
  const from: unknown = info?.attrs["from"];
  return typeof from === "string" && from.toLowerCase() === muc.toLowerCase();
}

/** The features a disco#info result announces (XEP-0030 section 3.1). */
export function featuresOf(info: Element | undefined): MucTrust {
  const features = new Set((info?.getChild("query", NS.discoInfo)?.getChildren("feature") ?? []).map((feature) => feature.attrs["var"] as unknown));
  return { occupantIds: features.has(NS.occupantId), stanzaIds: features.has(NS.stanzaId), archive: features.has(NS_MAM) };
}
