/**
 * XEP-0461 Message Replies (urn:xmpp:reply:0) with its XEP-0428 fallback (urn:xmpp:fallback:0), as Conversations,
 * Dino, Gajim and Movim send and show them. In: the <reply/> names the answered message by the id its client knows
 * (the message id in a chat, the room's stanza-id in a MUC), and the quote the client put at the start of the body is
 * marked by a <fallback for="urn:xmpp:reply:0"><body start end/></fallback> in code points: cut off, so that other
 * networks see only the answer. Out: the same, with a quote line (core/model/reply-quote.ts) for clients without
 * XEP-0461. Pure.
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import { stripInvalidXmlChars } from "./xml-safety.js";

export const NS_REPLY = "urn:xmpp:reply:0";
const NS_FALLBACK = "urn:xmpp:fallback:0";

/** The answered message as a stanza names it: its id, and its sender's JID when given. */
export interface ParsedReply {
  readonly id: string;
  readonly to?: string;
}

/** A stanza's reply, and its body without the reply's fallback quote (the body unchanged when nothing marks one). */
export function readReply(stanza: Element, body: string | undefined): { readonly reply?: ParsedReply; readonly body: string | undefined } {
  const element = stanza.getChild("reply", NS_REPLY);
  const id = element?.attrs["id"];
  const to = element?.attrs["to"];
  const reply = typeof id === "string" && id.length > 0 ? { id, ...(typeof to === "string" && to.length > 0 ? { to } : {}) } : undefined;
  return { ...(reply === undefined ? {} : { reply }), body: body === undefined ? undefined : withoutFallback(stanza, body) };
}

/** The body without the ranges that <fallback for="urn:xmpp:reply:0"> marks (start inclusive, end exclusive, code points). */
export function withoutFallback(stanza: Element, body: string): string {
  const ranges: Array<readonly [number, number]> = [];
  for (const fallback of stanza.getChildren("fallback", NS_FALLBACK)) {
    if (fallback.attrs["for"] !== NS_REPLY) continue;
    for (const part of fallback.getChildren("body")) {
      const start = Number(part.attrs["start"]);
      const end = Number(part.attrs["end"]);
      // A range that does not fit the body is some other client's mistake: the body is left whole rather than cut wrong.
      if (Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end) ranges.push([start, end]);
    }
  }
  if (ranges.length === 0) return body;
  const characters = Array.from(body);
  if (ranges.some(([, end]) => end > characters.length)) return body;
  return characters.filter((_, index) => !ranges.some(([start, end]) => index >= start && index < end)).join("");
}

/** What an outbound message answers: the JID and id its recipient knows, and the quote line to show (when known). */
export interface ReplyOut {
  readonly to: string;
  readonly id: string;
  readonly quote?: string;
}

/** The body with the fallback quote in front (its own line), and the elements that name the answered message and mark the quote. */
export function replyParts(reply: ReplyOut, body: string): { readonly body: string; readonly elements: readonly Element[] } {
  const element = xml("reply", { xmlns: NS_REPLY, to: stripInvalidXmlChars(reply.to), id: stripInvalidXmlChars(reply.id) });
  if (reply.quote === undefined) return { body, elements: [element] };
  // Counted as it will be written: characters XML cannot carry (U+FFFE of an IRC line) are dropped from the body when
  // written, and a range counting them would hide as many of the answer's own first characters.
  const quote = `${stripInvalidXmlChars(reply.quote)}\n`;
  const end = Array.from(quote).length;
  const fallback = xml("fallback", { xmlns: NS_FALLBACK, for: NS_REPLY }, xml("body", { start: "0", end: String(end) }));
  return { body: `${quote}${body}`, elements: [element, fallback] };
}
