/**
 * The lines a bridge bot (bot-adapter.ts) writes in a MUC for another network's messages: it can only speak as itself,
 * so each carries its sender's name as the bot's relay_format puts it ("<alice> hello", "* alice waves"). A reply
 * (XEP-0461) names the answered line as the MUC knows it, by the room's stanza-id and the nick that said it there
 * (muc-line-ids.ts), with the quote line in front as its XEP-0428 fallback (reply-stanzas.ts); where the bot does
 * not know the line there (said before a restart, or never relayed to this MUC), the quote line alone goes in front,
 * as on IRC: no <reply/> naming an id the room's clients would not find. Pure.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { bodyWithMissingUrls } from "../../core/model/attachments.js";
import type { Message } from "../../core/model/message.js";
import { relayPrefix, type RelayFormat } from "../../core/relay-format.js";
import { replyQuote } from "../../core/model/reply-quote.js";
import type { XmppBotRoomConfig } from "../../config/config-types.js";
import { oobElements } from "./oob.js";
import { replyParts } from "./reply-stanzas.js";
import type { MucLine } from "./muc-line-ids.js";
import { stripInvalidXmlChars } from "./xml-safety.js";

/**
 * The line a bot writes for a message from another network: its sender's name as the bot's relay_format puts it, then
 * the text, with each attachment URL the words lack on a line of its own (as every XMPP line the gateway sends:
 * a bridge on the MUC that reads bodies only still passes the link on).
 */
export function relayedBody(format: RelayFormat, message: Message): string {
  return `${relayPrefix(format, message)}${bodyWithMissingUrls(message.body, message.attachments)}`;
}

/** A line as the bot says it in a MUC; `answered` is the line it replies to as this MUC knows it, when known. */
export function relayedLine(format: RelayFormat, room: XmppBotRoomConfig, message: Message, answered?: MucLine): Element {
  const { body, elements } = withReply(message, room, answered, relayedBody(format, message));
  return xml("message", { to: room.muc, type: "groupchat", id: message.id }, xml("body", {}, stripInvalidXmlChars(body)), ...elements, ...oobElements(message.attachments ?? []));
}

/** The body with the reply's quote in front, and the elements naming the answered line (see the header). */
function withReply(message: Message, room: XmppBotRoomConfig, answered: MucLine | undefined, body: string): { readonly body: string; readonly elements: readonly Element[] } {
  const quote = message.replyTo === undefined ? undefined : replyQuote(message.replyTo);
  if (answered !== undefined) return replyParts({ to: `${room.muc}/${answered.nick}`, id: answered.roomId, ...(quote === undefined ? {} : { quote }) }, body);
  return { body: quote === undefined ? body : `${quote}\n${body}`, elements: [] };
}
