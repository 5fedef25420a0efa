/**
 * XEP-0444 Message Reactions (version 0.2, namespace urn:xmpp:reactions:0): a <reactions id="…"> of <reaction/>
 * elements, the sender's whole current set for the message `id` names (its rule "Using the correct ID": in a chat the
 * message's XEP-0359 origin-id, or without one its own id; in a MUC the room's stanza-id), an empty one taking hers
 * away; with a XEP-0334 store hint so that servers archive it (section 5). Its body, if a client adds one, is a fallback for clients without reactions: left out. Pure.
 */
import type { Element } from "ltx";
import xml from "@xmpp/xml";
import { stripInvalidXmlChars } from "./xml-safety.js";

export const NS_REACTIONS = "urn:xmpp:reactions:0";
const NS_HINTS = "urn:xmpp:hints";

/** A stanza's reactions: the id of the message reacted to, as the sender's client names it, and her set, as read. */
export interface ParsedReactions {
  readonly id: string;
  readonly reactions: readonly string[];
}

/** The reactions a stanza carries, or undefined when it carries none (or names no message). The core checks each. */
export function readReactions(stanza: Element): ParsedReactions | undefined {
  const element = stanza.getChild("reactions", NS_REACTIONS);
  const id = element?.attrs["id"];
  if (element === undefined || typeof id !== "string" || id.length === 0) return undefined;
  return { id, reactions: element.getChildren("reaction").map((reaction) => reaction.getText().trim()) };
}

/** The stanza of a set of reactions to the message its recipient knows by `reactedId` (see the header); `attrs` its envelope. */
export function reactionStanza(attrs: Record<string, string>, reactedId: string, reactions: readonly string[]): Element {
  return xml(
    "message",
    attrs,
    xml("reactions", { xmlns: NS_REACTIONS, id: stripInvalidXmlChars(reactedId) }, ...reactions.map((reaction) => xml("reaction", {}, stripInvalidXmlChars(reaction)))),
    xml("store", { xmlns: NS_HINTS }),
  );
}
