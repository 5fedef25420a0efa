/**
 * Who is in each bridged channel, as the gateway's own connection sees it: NAMES at join, then JOIN, PART, KICK,
 * QUIT and NICK. A QUIT or a nick change names no channel, so the roster says which channels it concerns: a
 * nick leaves (and is renamed in) only the channels it was in, not every bridged one. It also lists a channel's
 * nicks as the server spells them, for the occupants an XMPP user joining the room is shown. Names are compared
 * in ASCII lower case (the CASEMAPPING most servers use for nicks and channels).
 */
export class ChannelRoster {
  /** Channel (lower case) -> nick (lower case) -> the nick as last seen. */
  private readonly channels = new Map<string, Map<string, string>>();

  /** The channel's whole list (RPL_NAMREPLY gathered to RPL_ENDOFNAMES). */
  names(channel: string, nicks: readonly string[]): void {
    this.channels.set(channel.toLowerCase(), new Map(nicks.map((nick) => [nick.toLowerCase(), nick])));
  }

  joined(channel: string, nick: string): void {
    const key = channel.toLowerCase();
    const members = this.channels.get(key) ?? new Map<string, string>();
    members.set(nick.toLowerCase(), nick);
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
    const old = from.toLowerCase();
    const channels: string[] = [];
    for (const [channel, members] of this.channels) {
      if (!members.delete(old)) continue;
      members.set(to.toLowerCase(), to);
      channels.push(channel);
    }
    return channels;
  }

  /** The nicks in a channel now, as the server spells them (none for a channel the gateway is not in). */
  nicksIn(channel: string): string[] {
    return [...(this.channels.get(channel.toLowerCase())?.values() ?? [])];
  }

  /** The connection is gone: everything is learnt again from the NAMES of the next joins. */
  clear(): void {
    this.channels.clear();
  }
}
