/**
 * Who a bridged room was told is in a remote room (an IRC channel, a MUC a bridge bot is in): the joins, leaves,
 * renames and role changes relayed so far. A relay loses sight of its remote room when its connection drops or it
 * is kicked, and learns it again from the list the server sends when it is back (IRC NAMES, a MUC's occupant
 * presences): comparing that list with this one gives the joins and leaves that happened meanwhile, which would
 * otherwise never be shown (someone who left stays in the room's list forever). The damping in front of the relay
 * (flap-damper.ts) may still let a held change through after such a resync: joined() and left() say whether it
 * changes what was shown, so that it is shown once at most.
 */
export interface MembersResync<T> {
  readonly joined: readonly T[];
  readonly left: readonly T[];
  /** Shown before and now, with something else about them changed (`same` said so): a role. */
  readonly changed: readonly { readonly before: T; readonly after: T }[];
}

export class ShownMembers<T extends { readonly nick: string }> {
  /** Room key -> nick key -> the member as shown. */
  private readonly rooms = new Map<string, Map<string, T>>();

  constructor(
    /** How nicks compare (IRC: case-insensitively; a MUC's: exactly). */
    private readonly nickKey: (nick: string) => string,
    /** Whether two members of one nick show the same (their roles): else resync() reports a change. */
    private readonly same: (a: T, b: T) => boolean,
  ) {}

  /** Shown as joined: false when they were shown in the room already (nothing to show). */
  joined(room: string, member: T): boolean {
    const members = this.membersOf(room);
    const key = this.nickKey(member.nick);
    if (members.has(key)) return false;
    members.set(key, member);
    return true;
  }

  /** Shown as gone: the member as they were shown, undefined when they were not (nothing to show). */
  left(room: string, nick: string): T | undefined {
    const members = this.rooms.get(room);
    const key = this.nickKey(nick);
    const member = members?.get(key);
    members?.delete(key);
    return member;
  }

  /**
   * Shown under a new nick (`from` was theirs), or with a new role: `member` is as shown now. False, and nothing
   * changed, when `from` was not shown in the room (the caller shows a join instead, or nothing).
   */
  changed(room: string, from: string, member: T): boolean {
    const members = this.rooms.get(room);
    if (!members?.delete(this.nickKey(from))) return false;
    members.set(this.nickKey(member.nick), member);
    return true;
  }

  /** The member as the room was told they are, undefined when it was not told they are there. */
  get(room: string, nick: string): T | undefined {
    return this.rooms.get(room)?.get(this.nickKey(nick));
  }

  /** Whom the room was told is there. */
  list(room: string): T[] {
    return [...(this.rooms.get(room)?.values() ?? [])];
  }

  /**
   * The remote room's whole list, as its server sent it: what differs from what was shown, which is then the
   * list. The first list of a room (nothing shown yet) is all joins.
   */
  resync(room: string, now: readonly T[]): MembersResync<T> {
    const before = this.rooms.get(room) ?? new Map<string, T>();
    const after = new Map(now.map((member) => [this.nickKey(member.nick), member]));
    const joined: T[] = [];
    const changed: { before: T; after: T }[] = [];
    for (const [key, member] of after) {
      const shown = before.get(key);
      if (shown === undefined) joined.push(member);
      else if (!this.same(shown, member) || shown.nick !== member.nick) changed.push({ before: shown, after: member });
    }
    const left = [...before].filter(([key]) => !after.has(key)).map(([, member]) => member);
    this.rooms.set(room, after);
    return { joined, left, changed };
  }

  /** The room is no longer bridged: nothing of it is shown. */
  forget(room: string): void {
    this.rooms.delete(room);
  }

  private membersOf(room: string): Map<string, T> {
    let members = this.rooms.get(room);
    if (!members) {
      members = new Map();
      this.rooms.set(room, members);
    }
    return members;
  }
}
