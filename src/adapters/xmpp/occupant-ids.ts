/**
 * XEP-0421 (occupant identifiers): every occupant presence and every message from an occupant that the gateway's rooms
 * send carries <occupant-id xmlns="urn:xmpp:occupant-id:0" id="..."/> naming the person behind the nick, so that
 * clients tell occupants apart across nick changes and rejoins (moderation, reactions, corrections). The id is an
 * HMAC-SHA256 of the room (its hub) and the person's address under a secret of the gateway's own
 * (core/gateway-secrets.ts): the same for one person in one room across nick changes, rejoins and restarts, another
 * in each room, and telling nothing of who they are (the rooms show no real JIDs). An occupant-id a client puts in a
 * stanza of its own is never passed on: the rooms build every stanza they send afresh, with this one.
 */
import { createHmac } from "node:crypto";
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import { GatewayError } from "../../core/errors.js";
import { addressKey, type Address } from "../../core/model/address.js";
import { RecentMap } from "./message-memory.js";
import { NS } from "./stanzas.js";

/** The name of the gateway secret (core/gateway-secrets.ts) the ids are made with. */
export const OCCUPANT_ID_SECRET = "xmpp-occupant-ids";
/** 22 base64url characters: 132 bits of the HMAC, more than a random UUID has, far within XEP-0421's 128 characters. */
const ID_LENGTH = 22;

export class OccupantIds {
  private key: Buffer | undefined;
  /** Ids made lately: history, an archive page or a busy room asks for the same few people's again and again. */
  private readonly made = new RecentMap<string>();

  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  /** Reads the secret, once: before the component connects, so that every room stanza can carry its id. */
  async load(): Promise<void> {
    this.key ??= await this.loadKey();
  }

  /** The id of `person` in the room `hub`. */
  of(hub: Address, person: Address): string {
    const input = `${addressKey(hub)}\n${addressKey(person)}`;
    const known = this.made.get(input);
    if (known !== undefined) return known;
    if (this.key === undefined) throw new GatewayError("GW_ERR_INTERNAL", "an occupant id asked for before the gateway's secret was read");
    const id = createHmac("sha256", this.key).update(input).digest("base64url").slice(0, ID_LENGTH);
    this.made.set(input, id);
    return id;
  }
}

/** The element carrying an occupant id: a direct child of the presence or message (XEP-0421 section 3). */
export function occupantIdElement(id: string): Element {
  return xml("occupant-id", { xmlns: NS.occupantId, id });
}

/** `stanza`, built by the gateway, with the occupant id of who it comes from. */
export function withOccupantId(stanza: Element, id: string): Element {
  stanza.append(occupantIdElement(id));
  return stanza;
}
