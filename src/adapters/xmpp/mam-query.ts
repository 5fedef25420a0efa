/**
 * What a XEP-0313 (Message Archive Management) query asks of a gateway room's archive: its data form (start, end,
 * with, before-id, after-id, ids), its XEP-0059 result set (max, after, before: an empty <before/> is the last
 * page) and <flip-page/>, read into one ArchiveQuery and a page, or refused with the stanza error the XEP gives.
 * Pure: the caller checks that the ids named exist (item-not-found) and runs the query.
 */
import type { Element } from "ltx";
import type { ArchiveQuery, ArchiveSender } from "../../store/store.js";
import { resourceOf, withoutResource } from "./addressing.js";
import type { StanzaErrorType } from "./stanzas.js";

export const NS_MAM = "urn:xmpp:mam:2";
export const NS_MAM_EXTENDED = "urn:xmpp:mam:2#extended";
export const NS_RSM = "http://jabber.org/protocol/rsm";
export const NS_DATA_FORMS = "jabber:x:data";

/** A page when the query names no <max/>, and the most one query gets (XEP-0313 4.1.4: a server MAY limit it). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 250;

export interface MamRequest {
  readonly queryId?: string;
  readonly query: ArchiveQuery;
  /** How many messages at most: 0 asks for the count only. */
  readonly limit: number;
  /** Which end of the matching messages the page is taken from: an RSM <before/> pages backwards. */
  readonly from: "oldest" | "newest";
  /** Send the page newest first (<flip-page/>, urn:xmpp:mam:2#extended); what it holds is the same. */
  readonly flip: boolean;
  /** The query cannot match anything (a `with` that is not one of the room's occupant JIDs). */
  readonly matchesNothing: boolean;
  /** Every archive id the query names, each of which must be in the room's archive (else item-not-found). */
  readonly namedIds: readonly string[];
}

export interface MamRefusal {
  readonly type: StanzaErrorType;
  readonly condition: "bad-request" | "feature-not-implemented";
  readonly text: string;
}

const bad = (text: string): MamRefusal => ({ type: "modify", condition: "bad-request", text });

/** The form's fields the archive understands, as the form answering a query for them (XEP-0313 4.1.5) lists them. */
export const FORM_FIELDS = [
  { var: "with", type: "jid-single" },
  { var: "start", type: "text-single" },
  { var: "end", type: "text-single" },
  { var: "before-id", type: "text-single" },
  { var: "after-id", type: "text-single" },
  { var: "ids", type: "list-multi" },
] as const;

/** Two lower bounds (form and result set) make the higher one; two upper bounds the lower one. */
function higher(current: string | undefined, next: string): string {
  return current !== undefined && current > next ? current : next;
}

function lower(current: string | undefined, next: string): string {
  return current !== undefined && current < next ? current : next;
}

/** A XEP-0082 date-time, in ms since the epoch; undefined when it is not one. */
function dateTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

interface FormFilters {
  query: ArchiveQuery;
  matchesNothing: boolean;
  named: string[];
}

/**
 * Whose messages a `with` of `nick` asks for: those logged under that nick, and where the gateway showed someone of a
 * network as `nick%network` (their nick was another's in the room), those logged under the nick from that network.
 */
function sendersShownAs(nick: string): ArchiveSender[] {
  const shown = /^(.+)%([^%]+)$/.exec(nick);
  return shown?.[1] !== undefined && shown[2] !== undefined ? [{ name: nick }, { name: shown[1], network: shown[2] }] : [{ name: nick }];
}

/** The data form's fields (XEP-0313 4.1): `roomJid` is the room's bare JID as queried, whose occupant JIDs `with` may name. */
function readForm(form: Element | undefined, roomJid: string): FormFilters | MamRefusal {
  let query: ArchiveQuery = {};
  let matchesNothing = false;
  const named: string[] = [];
  for (const field of form?.getChildren("field") ?? []) {
    const name = String(field.attrs["var"] ?? "");
    const values = field.getChildren("value").map((value) => value.getText());
    const value = values[0] ?? "";
    switch (name) {
      case "FORM_TYPE":
        if (value !== NS_MAM) return bad(`FORM_TYPE must be ${NS_MAM}`);
        break;
      case "start":
      case "end": {
        const time = dateTime(value);
        if (time === undefined) return bad(`${name} must be a date and time such as 2026-12-04T10:00:00Z`);
        query = { ...query, [name]: time };
        break;
      }
      case "with":
        // A MUC archive filters by publisher: an occupant JID of this room, whose nick is the sender's name; the room's
        // own JID is every publisher. The room is semi-anonymous, so a real JID matches nobody's messages (they are not
        // given out).
        if (value.trim() === "") break;
        if (withoutResource(value.trim()).toLowerCase() !== roomJid.toLowerCase()) matchesNothing = true;
        else if (resourceOf(value.trim()) !== "") query = { ...query, senders: sendersShownAs(resourceOf(value.trim())) };
        break;
      case "after-id":
        if (value.trim() === "") break;
        query = { ...query, afterId: higher(query.afterId, value.trim()) };
        named.push(value.trim());
        break;
      case "before-id":
        if (value.trim() === "") break;
        query = { ...query, beforeId: lower(query.beforeId, value.trim()) };
        named.push(value.trim());
        break;
      case "ids": {
        // Each id is looked up (item-not-found for one not in the archive): no more than a page's worth. A field
        // without values asks for nothing, as one left out.
        const ids = values.map((id) => id.trim()).filter((id) => id !== "");
        if (ids.length > MAX_PAGE_SIZE) return bad(`at most ${MAX_PAGE_SIZE} ids at once`);
        if (ids.length === 0) break;
        query = { ...query, ids };
        named.push(...ids);
        break;
      }
      default:
        // XEP-0313 4.1.5: a field the server does not recognise is feature-not-implemented.
        return { type: "cancel", condition: "feature-not-implemented", text: `the archive has no field ${name}` };
    }
  }
  return { query, matchesNothing, named };
}

/** Reads a query (<query xmlns="urn:xmpp:mam:2"/> of an iq set) to the room whose bare JID is `roomJid`. */
export function readMamQuery(element: Element, roomJid: string): MamRequest | MamRefusal {
  const form = element.getChild("x", NS_DATA_FORMS);
  const filters = readForm(form, roomJid);
  if ("condition" in filters) return filters;
  let { query } = filters;
  const named = [...filters.named];
  const set = element.getChild("set", NS_RSM);
  let limit = DEFAULT_PAGE_SIZE;
  let from: MamRequest["from"] = "oldest";
  if (set) {
    const max = set.getChildText("max");
    if (max !== null) {
      if (!/^\d+$/.test(max.trim())) return bad("max must be a number");
      limit = Math.min(Number(max.trim()), MAX_PAGE_SIZE);
    }
    if (set.getChild("index")) return { type: "cancel", condition: "feature-not-implemented", text: "pages are asked for by id (after, before), not by index" };
    const after = set.getChildText("after")?.trim();
    if (after !== undefined && after !== "") {
      query = { ...query, afterId: higher(query.afterId, after) };
      named.push(after);
    }
    const before = set.getChild("before");
    if (before) {
      // XEP-0059 2.5: <before/> pages backwards, from the end when empty.
      from = "newest";
      const id = before.getText().trim();
      if (id !== "") {
        query = { ...query, beforeId: lower(query.beforeId, id) };
        named.push(id);
      }
    }
  }
  const queryId = element.attrs["queryid"];
  return {
    ...(typeof queryId === "string" ? { queryId } : {}),
    query,
    limit,
    from,
    flip: element.getChild("flip-page") !== undefined,
    matchesNothing: filters.matchesNothing,
    namedIds: named,
  };
}
