/**
 * Where only the gateway's own connection speaks (an IRC network in relay mode, a bridge bot in a MUC), a message
 * from someone else is written with its sender's name before it. The operator chooses how (as Matterbridge's
 * RemoteNickFormat): a template for lines (text and notices) and one for actions, with `{name}` (the sender's
 * name) and `{network}` (where they wrote from: an IRC network's name, else `xmpp` or `native`).
 */
import type { Message, MessageOrigin } from "./model/message.js";

export interface RelayFormat {
  /** Before a line or notice: `<{name}> ` by default. */
  readonly text: string;
  /** Before an action's text (IRC: inside the CTCP ACTION, so `{name} ` reads "bob waves"). */
  readonly action: string;
}

/** What `{network}` stands for: the IRC network's name for IRC, the protocol for the others. */
export function relayNetwork(origin: MessageOrigin): string {
  return origin.protocol === "irc" ? origin.account : origin.protocol;
}

/** The prefix of `message` by `format`. */
export function relayPrefix(format: RelayFormat, message: Message): string {
  const template = message.kind === "action" ? format.action : format.text;
  const network = relayNetwork(message.origin);
  // One pass, so that a name holding "{network}" stays as it is.
  return template.replace(/\{(name|network)\}/g, (_, key: string) => (key === "name" ? message.senderName : network));
}
