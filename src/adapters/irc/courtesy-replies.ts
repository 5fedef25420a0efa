/**
 * Answers a connection gives on its own, to whoever asks: CTCP replies (VERSION, PING, TIME, CLIENTINFO) and the
 * gateway nick's answers to queries (its help, the `contacts` list). They wait in the connection's flood control
 * (token-bucket.ts) with the lines of the people it carries, and anyone can ask faster than a server lets one
 * connection answer: a question costs the asker one line, and a few connections of theirs ask as fast as they like.
 * Answered without limit, a flood of questions would hold back the lines of a puppet's person, or of every bridged
 * channel on the gateway's own connection, for as long as it lasts, and then fill the queue until they are refused.
 *
 * So each connection has a budget of answers: REPLY_BURST at once, then one every REPLY_INTERVAL_SECONDS. A question
 * beyond it is not answered; one log line a minute at most says so, with how many went unanswered since the last.
 */
import type { Logger } from "../../core/logger.js";
import { LogThrottle } from "../../util/log-throttle.js";
import { TokenBucket } from "../../util/token-bucket.js";

export const REPLY_BURST = 5;
export const REPLY_INTERVAL_SECONDS = 10;
const UNANSWERED_LOG_INTERVAL_MS = 60_000;

export class CourtesyReplies {
  /** Per connection, forgotten with it. */
  private readonly budgets = new WeakMap<object, TokenBucket>();
  private readonly unansweredLog: LogThrottle;

  constructor(
    private readonly log: Pick<Logger, "warn">,
    private readonly now: () => number = Date.now,
  ) {
    this.unansweredLog = new LogThrottle(UNANSWERED_LOG_INTERVAL_MS, now);
  }

  /** Whether `connection` answers `asker`'s `question` now: takes one answer from its budget, or logs the refusal. */
  allow(connection: object, asker: string, question: string): boolean {
    let budget = this.budgets.get(connection);
    if (budget === undefined) {
      budget = new TokenBucket(1 / REPLY_INTERVAL_SECONDS, REPLY_BURST, this.now);
      this.budgets.set(connection, budget);
    }
    if (budget.take()) return true;
    const heldBack = this.unansweredLog.occurred();
    if (heldBack !== undefined) {
      this.log.warn({ from: asker, question, unansweredBefore: heldBack }, "more questions than a connection answers (a flood?): not answered");
    }
    return false;
  }
}
