/**
 * The channel history a server replays to a connection when it joins a channel: old lines, not news. Servers and
 * bouncers send what was said before the join right after it, as if it were said now: InspIRCd's chanhistory
 * (channel mode +H; its m_chanhistory.cpp sends, after the JOIN and NAMES, a server NOTICE "Replaying up to N lines
 * of pre-join history..." unless the client has `batch`, then each stored line with its server-time, whole seconds,
 * within a `chathistory` batch when the client has `batch`), UnrealIRCd's history (+H), Ergo's autoreplay
 * (`chathistory` batches, `draft/chathistory` in older versions), ZNC's buffer playback (`znc.in/playback`).
 * Relayed, such lines would reach the bridged rooms again at every join (a reconnect, a restart, a rejoin after
 * a kick), and the connection would take a replayed line of its own nick for the echo of one it just sent.
 *
 * The rule, from what the wire says: a PRIVMSG or NOTICE to a channel this connection joined is replayed history
 * when it is inside a history batch (https://ircv3.net/specs/extensions/batch, the types above), or when its
 * server-time is earlier than the server-time of our own JOIN echo for that channel (both stamped by the same
 * server's clock: no skew with the gateway's). The chanhistory announcement, a NOTICE from the server itself
 * (not from a user), is part of the replay. Without server-time on our JOIN echo only batches tell. Lines to our
 * nick are not judged here (a bouncer's playback of a query may be a message nobody delivered yet).
 */
import { serverTime, type IrcLine } from "./irc-line.js";
import { foldCase, type CaseMapping } from "./nicks.js";

/** Batch types (IRCv3 batch) whose lines are history played back, not said now. */
export const HISTORY_BATCH_TYPES: ReadonlySet<string> = new Set(["chathistory", "draft/chathistory", "znc.in/playback"]);

/** InspIRCd's chanhistory announcement before the replay (m_chanhistory.cpp, 3.x and 4.x). */
const CHANHISTORY_NOTICE = /^Replaying up to \d+ lines of pre-join history/;

export interface ReplayServer {
  readonly caseMapping: CaseMapping;
  /** ISUPPORT CHANTYPES. */
  readonly chanTypes: string;
  /** Membership prefix symbols (ISUPPORT PREFIX), which a STATUSMSG target puts before the channel. */
  readonly prefixes: string;
}

interface ChannelJoin {
  readonly channel: string;
  /** The server-time of our JOIN echo, when it had one. */
  readonly since: number | undefined;
  /** Replayed lines dropped since that join, not yet reported. */
  replayed: number;
}

export class JoinReplays {
  /** Open batches by reference: whether each is a history batch (or inside one), and the channel it names. */
  private readonly batches = new Map<string, { readonly history: boolean; readonly channel: string | undefined }>();
  private readonly joins = new Map<string, ChannelJoin>();

  constructor(
    /** Told how many replayed lines of a channel were dropped, once the replay is over (or the join ends). */
    private readonly report: (channel: string, lines: number) => void,
  ) {}

  /**
   * Reads one received line (after the connection knows whether its source is itself); true when it is a replayed
   * line of channel history, which must be neither relayed nor taken as the echo of a line of ours.
   */
  isReplayed(line: IrcLine, isSelf: (nick: string | undefined) => boolean, server: ReplayServer): boolean {
    switch (line.command) {
      case "BATCH":
        this.batch(line, server);
        return false;
      case "JOIN":
        if (isSelf(line.source?.nick) && line.params[0] !== undefined) this.joined(line.params[0], serverTime(line.tags), server);
        return false;
      case "PART":
        if (isSelf(line.source?.nick) && line.params[0] !== undefined) this.left(line.params[0], server);
        return false;
      case "KICK":
        if (isSelf(line.params[1]) && line.params[0] !== undefined) this.left(line.params[0], server);
        return false;
      case "PRIVMSG":
      case "NOTICE":
        return this.message(line, server);
      default:
        return false;
    }
  }

  /** The connection closed: what was counted is reported. */
  close(): void {
    for (const join of this.joins.values()) this.flush(join);
    this.joins.clear();
    this.batches.clear();
  }

  private message(line: IrcLine, server: ReplayServer): boolean {
    const channel = channelOf(line.params[0] ?? "", server);
    if (!server.chanTypes.includes(channel.charAt(0)) || channel === "") return false;
    const join = this.joins.get(this.key(channel, server));
    const time = serverTime(line.tags);
    const replayed =
      this.inHistoryBatch(line) ||
      (join?.since !== undefined && time !== undefined && time < join.since) ||
      (line.command === "NOTICE" && (line.source === undefined || line.source.server) && CHANHISTORY_NOTICE.test(line.params[1] ?? ""));
    if (join === undefined) {
      if (replayed) this.report(channel, 1);
    } else if (replayed) {
      join.replayed += 1;
    } else {
      this.flush(join);
    }
    return replayed;
  }

  private inHistoryBatch(line: IrcLine): boolean {
    const reference = line.tags["batch"];
    return reference !== undefined && this.batches.get(reference)?.history === true;
  }

  /**
   * BATCH +ref type [params] opens a batch (history when its type says so, or when inside one; a chathistory batch
   * names its channel first); BATCH -ref ends it, and with a history batch the replay of its channel.
   */
  private batch(line: IrcLine, server: ReplayServer): void {
    const opening = line.params[0] ?? "";
    const reference = opening.slice(1);
    if (opening.startsWith("+")) {
      this.batches.set(reference, { history: HISTORY_BATCH_TYPES.has(line.params[1] ?? "") || this.inHistoryBatch(line), channel: line.params[2] });
      // A server that never ends its batches must not grow this without bound.
      if (this.batches.size > 1000) this.batches.delete(this.batches.keys().next().value ?? "");
    } else if (opening.startsWith("-")) {
      const ended = this.batches.get(reference);
      this.batches.delete(reference);
      const join = ended?.history === true && ended.channel !== undefined ? this.joins.get(this.key(ended.channel, server)) : undefined;
      if (join !== undefined) this.flush(join);
    }
  }

  private joined(channel: string, since: number | undefined, server: ReplayServer): void {
    const key = this.key(channel, server);
    const before = this.joins.get(key);
    if (before !== undefined) this.flush(before);
    this.joins.set(key, { channel, since, replayed: 0 });
  }

  private left(channel: string, server: ReplayServer): void {
    const key = this.key(channel, server);
    const join = this.joins.get(key);
    if (join === undefined) return;
    this.flush(join);
    this.joins.delete(key);
  }

  private flush(join: ChannelJoin): void {
    if (join.replayed === 0) return;
    const lines = join.replayed;
    join.replayed = 0;
    this.report(join.channel, lines);
  }

  private key(channel: string, server: ReplayServer): string {
    return foldCase(channel, server.caseMapping);
  }
}

/** The channel of a PRIVMSG/NOTICE target, without a STATUSMSG prefix ("@#dev" -> "#dev"). */
function channelOf(target: string, server: ReplayServer): string {
  let start = 0;
  while (start < target.length && !server.chanTypes.includes(target.charAt(start)) && server.prefixes.includes(target.charAt(start))) start++;
  return target.slice(start);
}
