/**
 * What account-mucs.ts keeps of each MUC the linked account joined for its owner, and its limits. No I/O.
 */
import type { RoomRole } from "../../core/model/room.js";
import type { MucJoinAnswer } from "./account-muc-answer.js";

/** How many rooms she left are still known as rooms (isRoom), the last ones left. */
export const LEFT_KEPT = 1000;

export interface JoinedMuc {
  /** Her nick there (the room may have changed it: status 210). */
  nick: string;
  readonly password: string | undefined;
  role: RoomRole;
  subject: string;
  /** A join waiting for its answer, and that answer. */
  waiter?: MucJoinAnswer;
  joining?: Promise<void>;
  /** She was shown its occupants once (the answer to her room.join): later lists are shown as changes. */
  listedBefore?: boolean;
  /** Kept from before a restart and not joined again yet in this run: not shown as hers until the room takes her in. */
  restored?: boolean;
  /** The room's subject came since her last join: its lines are live, delay or not (muc-history-gate.ts). */
  live?: boolean;
  /** Her account's unavailable presence is on its way to the room (unavailable()): the room's drop of her is no leave. */
  dropExpected?: boolean;
}

/** A join again that fails with this (no answer, the connection lost, a full room) is tried at the next login; any other refusal is final. */
export const TRIED_AGAIN = "GW_ERR_UNAVAILABLE";
