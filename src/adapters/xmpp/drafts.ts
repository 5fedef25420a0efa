/** The core message an XMPP user's direct message becomes, for every XMPP adapter that receives them. */
import type { Address } from "../../core/model/address.js";
import type { MessageDraft } from "../../core/model/message.js";
import type { ParsedMessage } from "./parse.js";

/** `message` must have a body; `replaces` is the gateway id of the corrected message, when known. */
export function directDraft(account: string, message: ParsedMessage, from: Address, to: Address, replaces?: string): MessageDraft {
  return {
    origin: { protocol: "xmpp", account, ...(message.id === undefined ? {} : { id: message.id }) },
    scope: "direct",
    kind: message.messageKind,
    from,
    to,
    // XMPP has no display name in a message: the localpart of the bare JID is what people recognise.
    senderName: from.id.split("@")[0] ?? from.id,
    body: message.body ?? "",
    ...(replaces === undefined ? {} : { replaces }),
    // A server's offline storage delayed it (XEP-0203): the core keeps the time if it tells something (sent-at.ts).
    ...(message.sentAt === undefined ? {} : { sentAt: message.sentAt }),
    // XEP-0066 links (an image's HTTP upload): the core checks them (attachments.ts).
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
  };
}
