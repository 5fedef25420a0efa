/** The core message an XMPP user's direct message becomes, for every XMPP adapter that receives them. */
import type { Address } from "../../core/model/address.js";
import type { MessageDraft } from "../../core/model/message.js";
import type { ParsedMessage } from "./parse.js";
import type { AdapterContext } from "../../core/adapter.js";
import { directOriginal } from "./logged-originals.js";
import type { CorrectionIds } from "./message-memory.js";

/**
 * XEP-0461 in a chat: the answered message as the core names it. The id her client knows is its message id: the
 * gateway id of a line she was sent (component-stanzas.ts), or the id her client gave a line of her own (found as a
 * correction's original, also in the log after a restart). The core checks it is of this conversation.
 */
export async function directReplyTo(
  context: Pick<AdapterContext, "directLog">,
  corrections: CorrectionIds,
  message: ParsedMessage,
  from: Address,
  to: Address,
): Promise<{ readonly replyTo?: { readonly id: string } }> {
  if (message.reply === undefined) return {};
  const own = await directOriginal(context, corrections.known(from, message.reply.id), from, to, message.reply.id);
  return { replyTo: { id: own ?? message.reply.id } };
}

/**
 * `message` must have a body; `replaces` is the gateway id of the corrected message, when known. Without the time a
 * `<delay/>` says (`sentAt`): a sender's client may write one, to make her line look said days ago; only an adapter
 * that knows the delay is her server's adds it (account-inbound.ts: a linked account's offline messages).
 */
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
    // XEP-0066 links (an image's HTTP upload): the core checks them (attachments.ts).
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
  };
}
