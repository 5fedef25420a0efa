/** Direct messages, typing notifications and history. The sender is always the session's own user. */
import { GatewayError } from "../../../core/errors.js";
import { sameAddress } from "../../../core/model/address.js";
import type { Address } from "../../../core/model/address.js";
import type { Message, MessageScope } from "../../../core/model/message.js";
import type { Handler, HandlerEnvironment } from "../handler-environment.js";
import type { HistoryFrame, MessageSendFrame, RoomSendFrame, TypingFrame } from "../client-frames.js";
import type { NativeSession } from "../session.js";
import type { Release } from "../frame-sequencer.js";
import { chatPeerAddress, clientAddress } from "../native-addresses.js";
import { messageView } from "../server-frames.js";
import { predates } from "../account-epoch.js";
import { idBoundAt } from "../../../core/message-id.js";
import { self } from "./contact-handlers.js";
import { roomByRef } from "./room-refs.js";
import { showOwnMessage } from "../own-messages.js";
import { historyFor } from "../blocked-room-lines.js";

/** Submits a message of the session's user and answers with the gateway's id for it. */
export async function submitFrom(
  session: NativeSession,
  env: HandlerEnvironment,
  scope: MessageScope,
  to: Address,
  frame: MessageSendFrame | RoomSendFrame,
  release: Release,
  senderName?: string,
): Promise<Record<string, unknown>> {
  const from = self(session);
  // A message of the name's deleted account is not this account's to correct (account-epoch.ts): not found, as another's.
  if (frame.replaces !== undefined && session.accountCreatedAt !== undefined && predates(frame.replaces, session.accountCreatedAt)) {
    throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${frame.replaces} in this conversation to correct`);
  }
  // Nor one of that deleted account's conversations to answer: the new holder of the name inherits none of them.
  if (frame.reply_to !== undefined && session.accountCreatedAt !== undefined && predates(frame.reply_to, session.accountCreatedAt)) {
    throw new GatewayError("GW_ERR_NOT_FOUND", `no message ${frame.reply_to} in this conversation to answer`);
  }
  const message = await env.context.submit(
    {
    origin: { protocol: "native", account: env.context.account, ...(frame.client_id === undefined ? {} : { id: frame.client_id }) },
    scope,
    kind: frame.kind ?? "text",
    from,
    to,
    senderName: senderName ?? session.user ?? from.id,
    body: frame.body,
    ...(frame.attachments === undefined ? {} : { attachments: frame.attachments }),
    ...(frame.replaces === undefined ? {} : { replaces: frame.replaces }),
    ...(frame.reply_to === undefined ? {} : { replyTo: { id: frame.reply_to } }),
    },
    // Once the message has its id, the session's next frame may start: ids keep the frames' order. The user's other
    // sessions are shown it then, before anyone else gets it (own-messages.ts).
    { onOrdered: release, onAccepted: (message) => showOwnMessage(env.sessions, message, session) },
  );
  return { message_id: message.id, timestamp: message.timestamp };
}

export const messageSend: Handler<MessageSendFrame> = async (session, frame, env, release) => {
  const to = chatPeerAddress(frame.to);
  if (sameAddress(self(session), to)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "you cannot send a message to yourself");
  return submitFrom(session, env, "direct", to, frame, release);
};

export const typing: Handler<TypingFrame> = async (session, frame, env) => {
  const from = self(session);
  const to = chatPeerAddress(frame.to);
  if (sameAddress(from, to)) throw new GatewayError("GW_ERR_BAD_ADDRESS", "you cannot type to yourself");
  // Another user's linked account's contact is refused as message.send refuses it: the router would drop it unheard.
  env.context.checkOwnership(from, to);
  // As submit() checks a message: a room has no typing notifications (dropped unheard), and a JID of the gateway's own
  // XMPP domain would come back through the XMPP server as from a stranger.
  env.context.checkChatPeer(to);
  // Someone who blocked the user is nobody to her typing (core/blocklist.ts): the same answer as an unknown address.
  if (!(await env.context.knows(to)) || env.services.blocklist.blocks(to, from)) throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", "nobody is known at that address");
  env.context.dispatch({ type: "typing", typing: { from, to, state: frame.state } });
  return {};
};

export const history: Handler<HistoryFrame> = async (session, frame, env) => {
  const me = self(session);
  const options = { limit: frame.limit ?? 50, ...(frame.before === undefined ? {} : { before: frame.before }), ...(frame.after === undefined ? {} : { after: frame.after }) };
  if ((frame.with === undefined) === (frame.room === undefined)) {
    throw new GatewayError("GW_ERR_BAD_FRAME", 'history: give exactly one of "with" or "room"');
  }
  if (frame.room !== undefined) {
    const room = await roomByRef(env, frame.room);
    await env.services.rooms.get(room);
    if (!(await env.services.rooms.isMember(room, me))) throw new GatewayError("GW_ERR_NOT_MEMBER", "only members read a room's history");
    // Without the lines of those she blocked (blocked-room-lines.ts).
    const lines = await historyFor(env.services.blocklist, me, options, (page) => env.services.history.history({ room }, page));
    return withinAnswerSize(lines, options.after !== undefined);
  }
  const other = clientAddress(frame.with ?? "");
  // Another user's linked account's contact is refused as message.send refuses it, not answered with an empty list.
  env.context.checkOwnership(me, other);
  // Nothing from before the account: a deleted account of the name had those conversations (account-epoch.ts). Paging
  // forward starts at the account at the earliest; paging back ends there.
  const since = session.accountCreatedAt;
  const bound = since === undefined ? undefined : idBoundAt(since);
  const query = bound !== undefined && options.after !== undefined && options.after < bound ? { ...options, after: bound } : options;
  // Without the messages of someone she blocked, those refused at delivery among them (blocked-room-lines.ts).
  const messages = await historyFor(env.services.blocklist, me, query, (page) => env.services.history.history({ between: [me, other] }, page));
  return withinAnswerSize(since === undefined ? messages : messages.filter((message) => !predates(message.id, since)), options.after !== undefined);
};

/** The most bytes of bodies one history answer carries (500 messages of 65,536 characters would be 128 MiB). */
export const MAX_HISTORY_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * The messages of a history answer, as many as fit MAX_HISTORY_ANSWER_BYTES (one at least), with `more: true`
 * when some were left out: the earliest ones (paging forward with `after`) or else the latest ones are kept.
 */
function withinAnswerSize(messages: readonly Message[], forward: boolean): Record<string, unknown> {
  const ordered = forward ? messages : [...messages].reverse();
  const kept: Message[] = [];
  let bytes = 0;
  for (const message of ordered) {
    bytes += Buffer.byteLength(message.body);
    if (kept.length > 0 && bytes > MAX_HISTORY_ANSWER_BYTES) break;
    kept.push(message);
  }
  if (!forward) kept.reverse();
  return { messages: kept.map(messageView), ...(kept.length < messages.length ? { more: true } : {}) };
}
