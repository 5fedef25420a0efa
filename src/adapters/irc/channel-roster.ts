/**
 * Who is in each bridged channel, as the gateway's own connection sees it: NAMES at join, then JOIN, PART, KICK,
 * QUIT and NICK. A QUIT or a nick change names no channel, so the roster says which channels it concerns: a
 * nick leaves (and is renamed in) only the channels it was in, not every bridged one. Names are compared in
 * ASCII lower case (the CASEMAPPING most servers use for nicks and channels).
 */
export class ChannelRoster {
  private readonly channels = new Map<string, Set<string>>();

  /** The channel's whole list (RPL_NAMREPLY gathered to RPL_ENDOFNAMES). */
  names(channel: string, nicks: readonly string[]): void {
    this.channels.set(channel.toLowerCase(), new Set(nicks.map((nick) => nick.toLowerCase())));
  }

  joined(channel: string, nick: string): void {
    const key = channel.toLowerCase();
    const members = this.channels.get(key) ?? new Set<string>();
    members.add(nick.toLowerCase());
    this.channels.set(key, members);
  }

  /** A PART or KICK; `own` when it is the gateway's connection that left (the channel is forgotten). */
  left(channel: string, nick: string, own = false): void {
    if (own) this.channels.delete(channel.toLowerCase());
    else this.channels.get(channel.toLowerCase())?.delete(nick.toLowerCase());
  }

  /** A QUIT: the channels the nick was in (as the roster's keys, lower case), which it leaves. */
  quit(nick: string): string[] {
    const folded = nick.toLowerCase();
    const left: string[] = [];
    for (const [channel, members] of this.channels) if (members.delete(folded)) left.push(channel);
    return left;
  }

  /** A nick change: the channels the nick was in, where it now has its new nick. */
  renamed(from: string, to: string): string[] {
    const [old, now] = [from.toLowerCase(), to.toLowerCase()];
    const channels: string[] = [];
    for (const [channel, members] of this.channels) {
      if (!members.delete(old)) continue;
      members.add(now);
      channels.push(channel);
    }
    return channels;
  }

  /** The connection is gone: everything is learnt again from the NAMES of the next joins. */
  clear(): void {
    this.channels.clear();
  }
}
