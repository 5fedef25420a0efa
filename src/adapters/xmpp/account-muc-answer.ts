/**
 * The awaited answer to a join of a linked account's MUC (account-mucs.ts): the room's self-presence (resolve), its
 * refusal or a lost connection (reject), or nothing within MUC_JOIN_TIMEOUT_MS (GW_ERR_UNAVAILABLE). A join sent
 * again before the answer came (her account went unavailable meanwhile and the room dropped her) is awaited by the
 * same answer, its time counted anew: her room.join is answered by that join, not left to time out.
 */
import { GatewayError } from "../../core/errors.js";
import { MUC_JOIN_TIMEOUT_MS } from "./account-muc-join.js";
import type { JoinedMuc } from "./account-muc-state.js";

export class MucJoinAnswer {
  /** Settled once; rejections are also handled here, so that an answer nobody awaits any more is no unhandled rejection. */
  readonly answered: Promise<void>;
  private settle!: { resolve(): void; reject(error: GatewayError): void };
  private timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    private readonly muc: string,
    /** Called once settled (account-mucs.ts forgets the waiter). */
    private readonly done: () => void,
  ) {
    this.answered = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.answered.catch(() => undefined);
    this.restart();
  }

  /** The join is sent (again): the room has MUC_JOIN_TIMEOUT_MS from now to answer it. */
  restart(): void {
    clearTimeout(this.timer);
    const error = new GatewayError("GW_ERR_UNAVAILABLE", `${this.muc} did not answer the join in ${MUC_JOIN_TIMEOUT_MS / 1000} s`, { retryable: true });
    this.timer = setTimeout(() => this.reject(error), MUC_JOIN_TIMEOUT_MS);
  }

  resolve(): void {
    if (this.end()) this.settle.resolve();
  }

  reject(error: GatewayError): void {
    if (this.end()) this.settle.reject(error);
  }

  /** True the first time only. */
  private end(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    this.done();
    return true;
  }
}

/** A join of `muc` awaits the room's answer: kept in its state (waiter, joining) until the answer came. */
export function awaitJoinAnswer(muc: string, state: JoinedMuc): MucJoinAnswer {
  const waiter = new MucJoinAnswer(muc, () => state.waiter === waiter && delete state.waiter);
  const joining = waiter.answered.finally(() => state.joining === joining && delete state.joining);
  joining.catch(() => undefined);
  state.waiter = waiter;
  state.joining = joining;
  return waiter;
}
