/**
 * The lines a bridge bot (bot-adapter.ts) writes in a MUC for another network's messages: it can only speak as itself,
 * so each carries its sender's name as the bot's relay_format puts it ("<alice> hello", "* alice waves"). Pure.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { bodyWithMissingUrls } from "../../core/model/attachments.js";
import type { Message } from "../../core/model/message.js";
import { relayPrefix, type RelayFormat } from "../../core/relay-format.js";
import type { XmppBotRoomConfig } from "../../config/config-types.js";
import { oobElements } from "./oob.js";
import { stripInvalidXmlChars } from "./xml-safety.js";

/**
 * The line a bot writes for a message from another network: its sender's name as the bot's relay_format puts it, then
 * the text, with each attachment URL the words lack on a line of its own (as every XMPP line the gateway sends:
 * a bridge on the MUC that reads bodies only still passes the link on).
 */
export function relayedBody(format: RelayFormat, message: Message): string {
  return `${relayPrefix(format, message)}${bodyWithMissingUrls(message.body, message.attachments)}`;
}

/** A line as the bot says it in a MUC. */
export function relayedLine(format: RelayFormat, room: XmppBotRoomConfig, message: Message): Element {
  return xml("message", { to: room.muc, type: "groupchat", id: message.id }, xml("body", {}, stripInvalidXmlChars(relayedBody(format, message))), ...oobElements(message.attachments ?? []));
}
