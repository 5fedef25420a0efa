/**
 * XEP-0066 out-of-band data in messages (`<x xmlns="jabber:x:oob"><url/><desc/></x>`): how XMPP clients (Conversations,
 * Dino, Gajim) mark a link to a file or image, mostly an HTTP upload (XEP-0363) whose URL is also the body, and show
 * it inline only when the element is there (Conversations: when the body is its URL too).
 *
 * Both ways between those elements and a message's attachments (core/model/attachments.ts). Reading takes the
 * elements as they are (trimmed): whether each can be carried is the core's check at acceptance, which drops and logs
 * a bad one. Writing gives each attachment its element; the body carries each URL it lacks (XEP-0066 section 3: for
 * clients that know no out-of-band data), by the core's rule (attachments.ts bodyWithMissingUrls, stanzas.ts).
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import type { Attachment } from "../../core/model/attachments.js";
import { stripInvalidXmlChars } from "./xml-safety.js";

export const NS_OOB = "jabber:x:oob";

/** More than the core keeps (it drops and logs the rest): a stanza with hundreds is read no further. */
const READ_AT_MOST = 20;

/** The attachments a message stanza's XEP-0066 elements name, in order; undefined when it has none with a URL. */
export function readOob(stanza: Element): Attachment[] | undefined {
  const found: Attachment[] = [];
  for (const x of stanza.getChildren("x", NS_OOB)) {
    const url = x.getChildText("url")?.trim();
    if (url === undefined || url === "") continue;
    const description = x.getChildText("desc")?.trim();
    found.push(description === undefined || description === "" ? { url } : { url, description });
    if (found.length === READ_AT_MOST) break;
  }
  return found.length === 0 ? undefined : found;
}

/** The XEP-0066 element of each attachment, `<desc/>` only where it has a description. */
export function oobElements(attachments: readonly Attachment[]): Element[] {
  return attachments.map((attachment) =>
    xml(
      "x",
      { xmlns: NS_OOB },
      xml("url", {}, stripInvalidXmlChars(attachment.url)),
      ...(attachment.description === undefined ? [] : [xml("desc", {}, stripInvalidXmlChars(attachment.description))]),
    ),
  );
}
