/**
 * Room lines of someone a native user blocked (core/blocklist.ts), hidden from her as IRC's /ignore and BitlBee hide an
 * ignored user's channel lines: not pushed to her sessions (NativeAdapter.send, pushToMembers), and left out of her
 * `history` of the room. The room itself is unchanged: everyone else gets them, and the log keeps them. Her direct
 * `history` with them leaves out their messages to her alike: among them those still waiting for her when she blocked
 * them, logged at acceptance and refused at delivery (Blocklist.refusedNow), which she never got.
 *
 * A history page is read again past what it left out, so that an answer still holds `limit` lines where the log has
 * them: a client paging until an answer holds fewer than `limit` does not stop early, nor ask for the same page again.
 */
import type { Blocklist } from "../../core/blocklist.js";
import type { Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";

/** The most pages one history answer reads past lines left out (each of `limit` lines). */
const MAX_PAGES = 20;

export interface HistoryPage {
  readonly limit: number;
  readonly before?: string;
  readonly after?: string;
}

/** Whether `member` sees `message` in a room: not when she blocked its sender. */
export function shownTo(blocklist: Pick<Blocklist, "blocks">, member: Address, message: Pick<Message, "from">): boolean {
  return !blocklist.blocks(member, message.from);
}

/**
 * The page `options` asks of a room's or a direct conversation's history (`read`: the log's, oldest first), without
 * the lines of those `reader` blocked. One read when she blocked nobody.
 */
export async function historyFor(
  blocklist: Pick<Blocklist, "blocks" | "list">,
  reader: Address,
  options: HistoryPage,
  read: (page: HistoryPage) => Promise<readonly Message[]>,
): Promise<Message[]> {
  const first = await read(options);
  if (blocklist.list(reader).length === 0) return [...first];
  const forward = options.after !== undefined;
  const kept: Message[] = [];
  let page = first;
  for (let pages = 1; ; pages++) {
    const shown = page.filter((message) => shownTo(blocklist, reader, message));
    if (forward) kept.push(...shown);
    else kept.unshift(...shown);
    const edge = forward ? page.at(-1) : page[0];
    if (kept.length >= options.limit || page.length < options.limit || edge === undefined || pages >= MAX_PAGES) break;
    page = await read(forward ? { ...options, after: edge.id } : { ...options, before: edge.id });
  }
  return forward ? kept.slice(0, options.limit) : kept.slice(-options.limit);
}
