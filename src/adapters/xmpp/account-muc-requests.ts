/**
 * What the owner asks of a MUC she is in through her linked account (account-mucs.ts), besides joining and leaving:
 * a subject change (XEP-0045 section 8.1), a nick change (7.6), a mediated invitation (7.8.2), a kick (8.2), a ban
 * and its lifting (9.1, 9.2: an affiliation change) and the ban list (9.1's get); and what the room's refusals mean to the user who asked (account-muc-changes.ts waits for the answers). Pure: no I/O.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { GatewayError } from "../../core/errors.js";
import { NS } from "./stanzas.js";

/** A subject change: groupchat with a <subject/> and no body (section 8.1). Prosody answers a refusal with the same id. */
export function subjectChange(muc: string, id: string, subject: string): Element {
  return xml("message", { to: muc, type: "groupchat", id }, xml("subject", {}, subject));
}

/** A nick change: presence to the new occupant JID, without the muc <x/> (which would ask to join afresh, section 7.6). */
export function nickChange(muc: string, nick: string): Element {
  return xml("presence", { to: `${muc}/${nick}` });
}

/** A mediated invitation (section 7.8.2): the room passes it on to `jid`, from her real JID. */
export function mediatedInvitation(muc: string, jid: string, reason: string): Element {
  const invite = xml("invite", { to: jid }, ...(reason === "" ? [] : [xml("reason", {}, reason)]));
  return xml("message", { to: muc }, xml("x", { xmlns: NS.mucUser }, invite));
}

/** A kick (section 8.2): the occupant's role set to none by a moderator, with the reason shown to everyone. */
export function kickRequest(muc: string, nick: string, reason: string): Element {
  const item = xml("item", { nick, role: "none" }, ...(reason === "" ? [] : [xml("reason", {}, reason)]));
  return xml("iq", { to: muc, type: "set" }, xml("query", { xmlns: NS.mucAdmin }, item));
}

/** An affiliation change by an admin (section 9.1: `outcast` bans the JID; 9.2: `none` lifts the ban), with the reason for a ban. */
export function affiliationRequest(muc: string, jid: string, affiliation: "outcast" | "none", reason: string): Element {
  const item = xml("item", { affiliation, jid }, ...(reason === "" ? [] : [xml("reason", {}, reason)]));
  return xml("iq", { to: muc, type: "set" }, xml("query", { xmlns: NS.mucAdmin }, item));
}

/** The room's ban list asked of it by an admin (section 9.1: the items of affiliation outcast). */
export function outcastListRequest(muc: string): Element {
  return xml("iq", { to: muc, type: "get" }, xml("query", { xmlns: NS.mucAdmin }, xml("item", { affiliation: "outcast" })));
}

/** The JIDs of the answer to outcastListRequest (bare, as the room gives them), each with its reason ("" when none). */
export function outcastsOf(answer: Element | undefined): { readonly jid: string; readonly reason: string }[] {
  const items = answer?.getChild("query", NS.mucAdmin)?.getChildren("item") ?? [];
  return items.flatMap((item) => {
    const jid = item.attrs["jid"];
    return typeof jid === "string" && jid !== "" && item.attrs["affiliation"] === "outcast" ? [{ jid, reason: item.getChildText("reason") ?? "" }] : [];
  });
}

/** A refusal of a subject change, a kick or an invitation, as the code the user is answered with. */
export function mucRequestRefusal(condition: string, muc: string, what: string, text?: string): GatewayError {
  const why = text === undefined || text === "" ? condition : `${condition}: ${text}`;
  switch (condition) {
    case "forbidden":
    case "not-allowed":
    case "not-authorized":
      return new GatewayError("GW_ERR_FORBIDDEN", `${muc} does not let you ${what} (${why})`, { condition });
    case "conflict":
      return new GatewayError("GW_ERR_NICK_IN_USE", `someone in ${muc} has that nick (${why})`, { condition });
    case "not-acceptable":
    case "jid-malformed":
      return new GatewayError("GW_ERR_BAD_ADDRESS", `${muc} does not take that (${why})`, { condition });
    case "item-not-found":
    case "bad-request":
      return new GatewayError("GW_ERR_NOT_FOUND", `${muc} has nobody to ${what} (${why})`, { condition });
    default:
      return new GatewayError("GW_ERR_UNAVAILABLE", `${muc} did not let you ${what} (${why})`, { condition });
  }
}

/** An admin request's failure (a kick, a ban): the room's error as mucRequestRefusal reads it; no answer in time is GW_ERR_UNAVAILABLE. */
export function iqRefusal(error: unknown, muc: string, what: string): GatewayError {
  const { condition, text } = (error ?? {}) as { condition?: unknown; text?: unknown };
  if (typeof condition !== "string") return new GatewayError("GW_ERR_UNAVAILABLE", `${muc} did not answer in time`, { cause: error, retryable: true });
  return mucRequestRefusal(condition, muc, what, typeof text === "string" ? text : undefined);
}
