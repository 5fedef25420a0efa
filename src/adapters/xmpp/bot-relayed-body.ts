/** The text of a bridge bot's relayed line (bot-adapter.ts): the bot speaks only as itself, so its sender is named. */
import { bodyWithMissingUrls } from "../../core/model/attachments.js";
import type { Message } from "../../core/model/message.js";
import { relayPrefix, type RelayFormat } from "../../core/relay-format.js";

/**
 * The line a bot writes for a message from another network: its sender's name as the bot's relay_format puts it, then
 * the text, with each attachment URL the words lack on a line of its own (as every XMPP line the gateway sends:
 * a bridge on the MUC that reads bodies only still passes the link on).
 */
export function relayedBody(format: RelayFormat, message: Message): string {
  return `${relayPrefix(format, message)}${bodyWithMissingUrls(message.body, message.attachments)}`;
}
