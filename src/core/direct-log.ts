/**
 * The message log read for one adapter's direct messages: a sender's own message found by the id her network gave
 * it, so that her correction (XEP-0308) or retraction (XEP-0424) of a line sent before a restart, when the adapter's
 * memory of ids is gone, still names that line. Only a message that came in through this adapter, from that sender,
 * in that conversation, is found: an id naming anyone else's message matches nothing.
 */
import type { Address, ProtocolId } from "./model/address.js";
import type { Message } from "./model/message.js";
import type { MessageLogStore } from "../store/store.js";

export interface DirectLog {
  /** The direct message `from` sent to `to` with this origin id through this adapter, among their conversation's newest `within`. */
  sentWithOriginId(from: Address, to: Address, originId: string, within: number): Promise<Message | undefined>;
  /** The direct message with this gateway id that came in through this adapter (a line of its own network's), or undefined. */
  message(id: string): Promise<Message | undefined>;
}

export function directLogOf(log: Pick<MessageLogStore, "sentWithOriginId" | "get">, adapter: { readonly protocol: ProtocolId; readonly account: string }): DirectLog {
  const ours = (message: Message | undefined): Message | undefined =>
    message?.scope === "direct" && message.origin.protocol === adapter.protocol && message.origin.account === adapter.account ? message : undefined;
  return {
    sentWithOriginId: async (from, to, originId, within) => ours(await log.sentWithOriginId({ between: [from, to] }, from, originId, within)),
    message: async (id) => ours(await log.get(id)),
  };
}
