/**
 * Who is in each bridged channel, as the gateway's own connection sees it: NAMES at join, then JOIN, PART, KICK,
 * QUIT, NICK and MODE. A QUIT or a nick change names no channel, so the roster says which channels it concerns: a
 * nick leaves (and is renamed in) only the channels it was in, not every bridged one. It also lists a channel's
 * nicks as the server spells them, with their membership prefixes ("@" for an operator), for the occupants an
 * XMPP user joining the room is shown. Names are compared in ASCII lower case (the CASEMAPPING most servers use
 * for nicks and channels).
 */
export interface ChannelMember {
  /** As the server last spelt it. */
  readonly nick: string;
  /** Membership prefix symbols ("@", "@+" with multi-prefix), "" for none. */
  readonly prefixes: string;
}

export class ChannelRoster {
  /** Channel (lower case) -> nick (lower case) -> the member as last seen. */
  private readonly channels = new Map<string, Map<string, ChannelMember>>();

  /** The channel's whole list (RPL_NAMREPLY gathered to RPL_ENDOFNAMES); `prefixes[i]` are `nicks[i]`'s. */
  names(channel: string, nicks: readonly string[], prefixes: readonly string[] = []): void {
    this.channels.set(channel.toLowerCase(), new Map(nicks.map((nick, index) => [nick.toLowerCase(), { nick, prefixes: prefixes[index] ?? "" }])));
  }

  joined(channel: string, nick: string): void {
    const key = channel.toLowerCase();
    const members = this.channels.get(key) ?? new Map<string, ChannelMember>();
    members.set(nick.toLowerCase(), { nick, prefixes: "" });
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

  /** A nick change: the channels the nick was in, where it now has its new nick (and keeps its prefixes). */
  renamed(from: string, to: string): string[] {
    const old = from.toLowerCase();
    const channels: string[] = [];
    for (const [channel, members] of this.channels) {
      const member = members.get(old);
      if (!member) continue;
      members.delete(old);
      members.set(to.toLowerCase(), { nick: to, prefixes: member.prefixes });
      channels.push(channel);
    }
    return channels;
  }

  /**
   * A MODE gave (`adding`) or took a membership prefix: the member before and after, or undefined when the nick is
   * not known in the channel. `order`: the server's prefix symbols, highest first (ISUPPORT PREFIX).
   */
  prefixChanged(channel: string, nick: string, prefix: string, adding: boolean, order: string): { before: ChannelMember; after: ChannelMember } | undefined {
    const members = this.channels.get(channel.toLowerCase());
    const before = members?.get(nick.toLowerCase());
    if (!members || !before) return undefined;
    const kept = [...before.prefixes].filter((symbol) => symbol !== prefix);
    if (adding) kept.push(prefix);
    const prefixes = kept.sort((a, b) => order.indexOf(a) - order.indexOf(b)).join("");
    const after = { nick: before.nick, prefixes };
    members.set(nick.toLowerCase(), after);
    return { before, after };
  }

  /** The nicks in a channel now, as the server spells them (none for a channel the gateway is not in). */
  nicksIn(channel: string): string[] {
    return this.membersIn(channel).map((member) => member.nick);
  }

  /** A member of a channel now, if the nick is in it. */
  member(channel: string, nick: string): ChannelMember | undefined {
    return this.channels.get(channel.toLowerCase())?.get(nick.toLowerCase());
  }

  /** The members of a channel now, with their prefixes. */
  membersIn(channel: string): ChannelMember[] {
    return [...(this.channels.get(channel.toLowerCase())?.values() ?? [])];
  }

  /** The connection is gone: everything is learnt again from the NAMES of the next joins. */
  clear(): void {
    this.channels.clear();
  }
}
