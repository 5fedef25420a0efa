/**
 * The gateway's rooms answer XEP-0313 (Message Archive Management) from the message log, as Biboumi's channels
 * do: a client in a room pages through what was said there before it joined or while it was away, from any
 * network, and goes on from the XEP-0359 stanza id of the last live message it saw (the same id: the gateway id).
 *
 * Supported: urn:xmpp:mam:2 and its #extended feature (before-id, after-id, ids, <flip-page/>, the archive's
 * metadata), the data form's start, end and with (an occupant JID: the sender's nick), XEP-0059 paging by id.
 * Only a person with a session in the room may query it (forbidden otherwise); with the log off
 * (store.message_log: false) there is no archive: feature-not-implemented, and nothing is announced.
 */
import { xml, type Component } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { RoomArchive } from "../../core/room-archive.js";
import { xmppUserAddress } from "./addressing.js";
import type { GatewayRooms } from "./gateway-rooms.js";
import { roomAtJid } from "./room-addresses.js";
import { FORM_FIELDS, NS_DATA_FORMS, NS_MAM, NS_RSM, readMamQuery, type MamRequest } from "./mam-query.js";
import { withOccupantId, type OccupantIds } from "./occupant-ids.js";
import { delayElement, errorCondition, NS } from "./stanzas.js";
import { saidAt } from "../../core/model/sent-at.js";
import { isModeration } from "./retraction-stanzas.js";
import { roomLine } from "./room-line.js";

/** Who asks, and the room and archive they ask of. */
interface Reader {
  readonly from: string;
  readonly person: Address;
  readonly roomJid: string;
  readonly hub: Address;
  readonly archive: RoomArchive;
}

type IqContext = { readonly stanza: Element; readonly element: Element };

export class MucArchive {
  constructor(
    private readonly domain: string,
    private readonly context: AdapterContext,
    private readonly write: (element: Element) => Promise<void>,
    private readonly rooms: GatewayRooms,
    /** Who is behind each message (XEP-0421: archived messages carry it too). */
    private readonly ids: OccupantIds,
  ) {}

  register(connection: Component): void {
    connection.iqCallee.set(NS_MAM, "query", (iq: IqContext) => this.answer(iq, (reader) => this.query(reader, iq.element)));
    connection.iqCallee.get(NS_MAM, "query", (iq: IqContext) => this.answer(iq, async () => queryForm()));
    connection.iqCallee.get(NS_MAM, "metadata", (iq: IqContext) => this.answer(iq, (reader) => this.metadata(reader)));
  }

  /**
   * Checks who asks and of what, then answers: undefined (service-unavailable, from @xmpp/iq) when the iq is not for
   * a room's bare JID, feature-not-implemented with the log off, forbidden unless the sender is in the room.
   */
  private async answer(iq: IqContext, handle: (reader: Reader) => Promise<Element>): Promise<Element | undefined> {
    const to = String(iq.stanza.attrs["to"] ?? "");
    const room = roomAtJid(to, this.domain);
    if (room === undefined) return undefined;
    const archive = this.context.roomArchive;
    if (archive === undefined) return errorCondition("cancel", "feature-not-implemented", "this gateway keeps no message log, so its rooms have no archive");
    const from = String(iq.stanza.attrs["from"] ?? "");
    const hub = this.rooms.archiveReader(from, room);
    if (hub === undefined) return errorCondition("auth", "forbidden", "join the room to read its archive");
    return handle({ from, person: xmppUserAddress(from, this.context.account), roomJid: to, hub, archive });
  }

  /** XEP-0313 4.2: the matching messages, each in a <result/>, then the iq result with <fin/>. */
  private async query(reader: Reader, element: Element): Promise<Element> {
    const request = readMamQuery(element, reader.roomJid);
    if ("condition" in request) return errorCondition(request.type, request.condition, request.text);
    for (const id of request.namedIds) {
      // XEP-0313 4.1.3 and 4.3.2: an id that is not in this room's archive is item-not-found.
      if ((await reader.archive.message(reader.hub, id)) === undefined) return errorCondition("cancel", "item-not-found", `no message ${id} in this room's archive`);
    }
    if (request.matchesNothing) return fin([], true, 0);
    if (request.limit === 0) {
      // XEP-0059 2.6: the count alone; nothing is left to page through only when nothing matches.
      const count = await reader.archive.count(reader.hub, request.query);
      return fin([], count === 0, count);
    }
    // One more than the page, to know whether the page holds everything that matched (complete).
    const found = await reader.archive.page(reader.hub, request.query, { limit: request.limit + 1, from: request.from });
    const complete = found.length <= request.limit;
    const page = complete ? found : request.from === "oldest" ? found.slice(0, request.limit) : found.slice(found.length - request.limit);
    const sent = request.flip ? [...page].reverse() : page;
    for (const message of sent) await this.write(this.result(reader, request, message, await this.ownOriginalId(reader, message)));
    return fin(page, complete, page.length === 0 ? 0 : undefined);
  }

  /**
   * For the reader's own correction: the id their client gave the message it corrects, from the log when the memory
   * of ids no longer has it (after a restart), so that their client finds the original. Undefined otherwise.
   */
  private async ownOriginalId(reader: Reader, message: Message): Promise<string | undefined> {
    if (message.replaces === undefined || !sameAddress(message.from, reader.person) || message.origin.protocol !== "xmpp") return undefined;
    const original = await reader.archive.message(reader.hub, message.replaces);
    return original?.origin.id;
  }

  /**
   * One archived message (XEP-0313 5.1.2): forwarded from the sender's occupant JID, with no `to`, delayed to when it
   * was said, with the sender's occupant id (XEP-0421), attachments and the line it answers (XEP-0461) as live.
   */
  private result(reader: Reader, request: MamRequest, message: Message, ownOriginalId?: string): Element {
    // As it was shown live (room-line.ts), under the sender's nick then: the core names a room message at acceptance.
    const ids = { ...this.rooms.idsSeenBy(message, reader.person), ...(ownOriginalId === undefined ? {} : { replaces: ownOriginalId }) };
    const occupantId = this.ids.of(reader.hub, message.from);
    // XEP-0425: a moderator's retraction carries her occupant id inside it, not beside it.
    const moderation = isModeration(message);
    const copy = roomLine(message, { roomJid: reader.roomJid, ids, occupantId });
    copy.attrs["xmlns"] = NS.client;
    const forwarded = xml("forwarded", { xmlns: NS.forward }, delayElement({ stamp: saidAt(message) }), moderation ? copy : withOccupantId(copy, occupantId));
    return xml("message", { from: reader.roomJid, to: reader.from }, xml("result", { xmlns: NS_MAM, id: message.id, ...(request.queryId === undefined ? {} : { queryid: request.queryId }) }, forwarded));
  }

  /** XEP-0313 6: the first and last message of the room's archive (none when it is empty). */
  private async metadata(reader: Reader): Promise<Element> {
    const [first] = await reader.archive.page(reader.hub, {}, { limit: 1, from: "oldest" });
    const [last] = await reader.archive.page(reader.hub, {}, { limit: 1, from: "newest" });
    const mark = (name: string, message: Message): Element => xml(name, { id: message.id, timestamp: new Date(message.timestamp).toISOString() });
    return xml("metadata", { xmlns: NS_MAM }, ...(first && last ? [mark("start", first), mark("end", last)] : []));
  }
}

/** The end of a query (XEP-0313 4.3): the page's first and last ids, whether it completes the query, and a count where one is at hand. */
function fin(page: readonly Message[], complete: boolean, count: number | undefined): Element {
  const first = page[0];
  const last = page[page.length - 1];
  const set = xml(
    "set",
    { xmlns: NS_RSM },
    ...(first && last ? [xml("first", {}, first.id), xml("last", {}, last.id)] : []),
    ...(count === undefined ? [] : [xml("count", {}, String(count))]),
  );
  return xml("fin", { xmlns: NS_MAM, ...(complete ? { complete: "true" } : {}) }, set);
}

/** XEP-0313 4.1.5: the fields a query may use. */
function queryForm(): Element {
  const fields = FORM_FIELDS.map((field) =>
    xml("field", { var: field.var, type: field.type }, ...(field.var === "ids" ? [xml("validate", { xmlns: "http://jabber.org/protocol/xdata-validate", datatype: "xs:string" }, xml("open"))] : [])),
  );
  return xml("query", { xmlns: NS_MAM }, xml("x", { xmlns: NS_DATA_FORMS, type: "form" }, xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, NS_MAM)), ...fields));
}
