/**
 * How the component's rooms write stanzas: one at a time, or the stanzas of one event together (a join's occupant
 * list and history, a presence or nick change told to every occupant). Those are made in one go, so they are handed
 * to the socket corked and leave in one write(2) instead of one each: a join to a room of 500 was 500 system calls,
 * each awaited before the next. Nothing waits for the cork: it is released as soon as the last stanza is handed over.
 * Room messages are not written this way (room-messages.ts deliver): measured, it cost the IRC -> XMPP burst of the
 * bridge benchmark about 40% (docs/performance.md).
 */
import type { Element } from "ltx";

export interface StanzaWriter {
  one(element: Element): Promise<void>;
  /** In order, after anything written before; settles once every one is written, rejects if any fails. */
  all(elements: readonly Element[]): Promise<void>;
}

/** The part of a socket that batches writes (net.Socket, any stream.Writable). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Writes each stanza with `write` while `socket` (when there is one) is corked, then releases it. */
export async function writeCorked(socket: Corkable | null | undefined, elements: readonly Element[], write: (element: Element) => Promise<void>): Promise<void> {
  socket?.cork();
  let writes: Array<Promise<void>>;
  try {
    writes = elements.map((element) => write(element));
  } finally {
    socket?.uncork();
  }
  await Promise.all(writes);
}
