/**
 * The network's channels as LIST gives them (RFC 2812 section 3.2.6; modern.ircdocs.horse LIST, RPL_LIST 322,
 * RPL_LISTEND 323), asked on the gateway's own connection, never a person's puppet: the directory of
 * core/room-directory.ts, which keeps and shares the listings.
 *
 * One LIST at a time: the replies carry nothing that says which LIST they answer, so the next is sent only after the
 * last one ended (RPL_LISTEND, a refusal, the connection's close), or, for a server that never ends one, after twice
 * the timeout. The listing is bounded: at most `max` channels are kept (the first the server sends; `truncated`
 * says more came), each topic cut at TOPIC_CHARS, names and topics without formatting or control characters. Secret
 * and private channels the server does not list to us (RFC 2812: "*" is shown for a private one; it is skipped). The
 * modes some servers show before a topic ("[+nt] ") are taken off.
 *
 * A filter goes to the server as a mask (`LIST *dev*`) only where it says it takes one (ISUPPORT ELIST with M, for
 * mask); the core filters the rooms again either way. RPL_TRYAGAIN (263, "wait a while") refuses the listing with
 * GW_ERR_RATE_LIMITED (retryable); ERR_TOOMANYMATCHES (416) ends it as truncated.
 */
import { GatewayError } from "../../core/errors.js";
import type { DirectoryRoom, RoomListing } from "../../core/model/room-directory.js";
import { stripFormatting } from "./formatting.js";
import type { IrcConnection, IrcConnectionEvents } from "./irc-connection.js";

/** Channels kept of one listing: Libera's 50,000 would take the gateway's memory and the client's patience. */
export const MAX_CHANNELS = 20_000;
/** A topic is cut at this many characters: enough to tell what a channel is about. */
export const TOPIC_CHARS = 200;
export const LIST_TIMEOUT_MS = 60_000;

/**
 * The channel's modes some servers put before the topic in RPL_LIST (InspIRCd, UnrealIRCd: "[+nt] the topic",
 * "[+lnt 10]" with parameters): the modes are no topic, and people's own topics never start so.
 */
const MODES_SHOWN = /^\[\+[A-Za-z]+(?: [^\]]*)?\] ?/;

function entryOf(event: IrcConnectionEvents["list-entry"]): DirectoryRoom | undefined {
  const name = stripFormatting(event.channel);
  if (name === "" || name === "*") return undefined;
  const topic = stripFormatting(event.topic).replace(MODES_SHOWN, "").trim();
  return { name, members: Math.max(0, event.members), topic: topic.length > TOPIC_CHARS ? `${topic.slice(0, TOPIC_CHARS - 1)}…` : topic };
}

/** The mask a filter is sent as, where the server takes masks; undefined: LIST everything. */
export function listMask(filter: string, elist: string | undefined): string | undefined {
  const words = filter.replace(/[*?,\s]/g, "");
  if (words === "" || !(elist ?? "").toUpperCase().includes("M")) return undefined;
  return `*${words}*`;
}

export class ChannelList {
  /** The LIST under way (or none): the next waits for it to end. */
  private turn: Promise<void> = Promise.resolve();
  /** LISTs sent since the adapter was made (the gateway's status, `channel_listings`). */
  sent = 0;

  constructor(
    /** The gateway's own connection; throws GW_ERR_UNAVAILABLE while there is none. */
    private readonly connection: () => IrcConnection,
    private readonly timeoutMs = LIST_TIMEOUT_MS,
    private readonly max = MAX_CHANNELS,
  ) {}

  /** The channels the server lists now (see the header). */
  list(filter: string): Promise<RoomListing> {
    const listing = this.turn.then(() => this.listNow(filter));
    this.turn = listing.then(
      (run) => run.ended,
      () => undefined,
    );
    return listing.then((run) => run.listing);
  }

  private listNow(filter: string): { listing: Promise<RoomListing>; ended: Promise<void> } {
    const connection = this.connection();
    const rooms: DirectoryRoom[] = [];
    let truncated = false;
    let answer!: { resolve: (listing: RoomListing) => void; reject: (error: GatewayError) => void };
    const listing = new Promise<RoomListing>((resolve, reject) => (answer = { resolve, reject }));
    let endTurn!: () => void;
    const ended = new Promise<void>((resolve) => (endTurn = resolve));
    const finish = (outcome: RoomListing | GatewayError): void => {
      clearTimeout(timer);
      clearTimeout(lastWait);
      connection.off("list-entry", onEntry).off("list-end", onEnd).off("list-refused", onRefused).off("closed", onClosed);
      endTurn();
      if (outcome instanceof GatewayError) answer.reject(outcome);
      else answer.resolve(outcome);
    };
    const onEntry = (event: IrcConnectionEvents["list-entry"]): void => {
      if (rooms.length >= this.max) {
        truncated = true;
        return;
      }
      const room = entryOf(event);
      if (room !== undefined) rooms.push(room);
    };
    const mask = listMask(filter, connection.server.isupport.get("ELIST"));
    const filtered = mask !== undefined;
    const onEnd = (): void => finish({ rooms, truncated, filtered });
    const onRefused = (event: IrcConnectionEvents["list-refused"]): void => {
      if (event.numeric === 416) finish({ rooms, truncated: true, filtered });
      else finish(new GatewayError("GW_ERR_RATE_LIMITED", `the IRC server will not list its channels now: ${stripFormatting(event.text)}`, { retryable: true, condition: "RPL_TRYAGAIN" }));
    };
    const onClosed = (): void => finish(new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection closed while listing channels", { retryable: true }));
    // The asker hears of the timeout; the next LIST waits once more as long for this one's end (see the header).
    const timer = setTimeout(() => answer.reject(new GatewayError("GW_ERR_UNAVAILABLE", `the IRC server did not finish its channel list within ${this.timeoutMs} ms`, { retryable: true })), this.timeoutMs);
    const lastWait = setTimeout(() => finish(new GatewayError("GW_ERR_UNAVAILABLE", "the IRC server never ended its channel list", { retryable: true })), 2 * this.timeoutMs);
    connection.on("list-entry", onEntry).on("list-end", onEnd).on("list-refused", onRefused).on("closed", onClosed);
    try {
      connection.send("LIST", mask === undefined ? [] : [mask]);
      this.sent++;
    } catch (error: unknown) {
      finish(error instanceof GatewayError ? error : new GatewayError("GW_ERR_UNAVAILABLE", "LIST not sent", { retryable: true, cause: error }));
    }
    // Not `listing` itself: a promise resolved with a promise would wait for it.
    return { listing, ended };
  }
}
