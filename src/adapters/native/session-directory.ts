/** Logged-in sessions by user, and the presence of a user as the aggregate of their sessions' presences. */
import { aggregatePresence } from "../../core/presence.js";
import type { Address } from "../../core/model/address.js";
import type { Presence } from "../../core/model/presence.js";
import type { NativeSession } from "./session.js";
import type { ServerFrame } from "./server-frames.js";

export class SessionDirectory {
  private readonly byUser = new Map<string, Set<NativeSession>>();

  attach(session: NativeSession, user: string): void {
    let sessions = this.byUser.get(user);
    if (!sessions) {
      sessions = new Set();
      this.byUser.set(user, sessions);
    }
    sessions.add(session);
  }

  /** Removes the session; true when it was the user's last one. */
  detach(session: NativeSession): boolean {
    if (session.user === undefined) return false;
    const sessions = this.byUser.get(session.user);
    if (!sessions?.delete(session)) return false;
    if (sessions.size > 0) return false;
    this.byUser.delete(session.user);
    return true;
  }

  of(user: string): ReadonlySet<NativeSession> {
    return this.byUser.get(user) ?? new Set();
  }

  /** How many sessions are logged in, and of how many users. */
  counts(): { readonly sessions: number; readonly users: number } {
    let sessions = 0;
    for (const ofUser of this.byUser.values()) sessions += ofUser.size;
    return { sessions, users: this.byUser.size };
  }

  /** When the account of the user's sessions was created, if any session is logged in (all are of the one account). */
  accountCreatedAt(user: string): number | undefined {
    for (const session of this.of(user)) if (session.accountCreatedAt !== undefined) return session.accountCreatedAt;
    return undefined;
  }

  isOnline(user: string): boolean {
    return (this.byUser.get(user)?.size ?? 0) > 0;
  }

  /** Pushes a frame to every open session of the user; false when none is open. */
  pushTo(user: string, frame: ServerFrame, except?: NativeSession): boolean {
    let any = false;
    for (const session of this.of(user)) {
      if (session === except || !session.isOpen) continue;
      session.push(frame);
      any = true;
    }
    return any;
  }

  /** Pushes a frame to every open session of every user: how many users and sessions it reached. */
  pushToEveryone(frame: ServerFrame): { readonly users: number; readonly sessions: number } {
    let users = 0;
    let sessions = 0;
    for (const ofUser of this.byUser.values()) {
      let reached = 0;
      for (const session of ofUser) {
        if (!session.isOpen) continue;
        session.push(frame);
        reached += 1;
      }
      sessions += reached;
      if (reached > 0) users += 1;
    }
    return { users, sessions };
  }

  /** Whether an open session of the user asked for delivery receipts (a few sessions at most: no index needed). */
  wantsReceipts(user: string): boolean {
    for (const session of this.byUser.get(user) ?? []) if (session.receipts && session.isOpen) return true;
    return false;
  }

  /** Pushes a delivery receipt to the user's open sessions that asked for receipts. */
  pushReceipt(user: string, frame: ServerFrame): void {
    for (const session of this.byUser.get(user) ?? []) if (session.receipts) session.push(frame);
  }

  /** The user's presence: the sessions' presences aggregated as RFC 6121 does for resources (priority first). */
  presenceOf(user: string, address: Address): Presence {
    const presences: Presence[] = [];
    for (const session of this.of(user)) if (session.presence) presences.push(session.presence);
    return aggregatePresence(address, presences, { by: "priority" });
  }
}
