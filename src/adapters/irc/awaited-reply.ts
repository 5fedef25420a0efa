/**
 * A command whose outcome the server tells the connection itself (a JOIN, a NICK): sent, then the first of its
 * answer (an event that says it worked, or not), a numeric that refuses it, the connection's close or a timeout
 * settles it. The listeners are gone once settled, whichever came first.
 */
import { GatewayError } from "../../core/errors.js";
import type { IrcConnection, IrcConnectionEvents } from "./irc-connection.js";

export interface AwaitedReply<K extends keyof IrcConnectionEvents> {
  /** The event that answers the command. */
  readonly event: K;
  /** Of an `event`: undefined when it is not the answer, true when it says the command worked, else the refusal. */
  answers(event: IrcConnectionEvents[K]): true | GatewayError | undefined;
  /** Of a numeric: the refusal it is of this command, else undefined. */
  refuses(failure: IrcConnectionEvents["failure"]): GatewayError | undefined;
  /** What was under way, for the messages of a close or a timeout: "joining #dev". */
  readonly doing: string;
  readonly timeoutMs: number;
  /** The timeout's error. */
  timedOut(): GatewayError;
  /** Sends the command (after the listeners are in place: an answer cannot come before them). */
  send(): void;
}

export function awaitReply<K extends keyof IrcConnectionEvents>(connection: IrcConnection, reply: AwaitedReply<K>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      connection.off(reply.event, onAnswer);
      connection.off("failure", onFailure);
      connection.off("closed", onClosed);
    };
    const settle = (outcome: true | GatewayError): void => {
      cleanup();
      if (outcome === true) resolve();
      else reject(outcome);
    };
    const onAnswer = (event: IrcConnectionEvents[K]): void => {
      const outcome = reply.answers(event);
      if (outcome !== undefined) settle(outcome);
    };
    const onFailure = (failure: IrcConnectionEvents["failure"]): void => {
      const refusal = reply.refuses(failure);
      if (refusal !== undefined) settle(refusal);
    };
    const onClosed = (): void => settle(new GatewayError("GW_ERR_UNAVAILABLE", `the connection closed while ${reply.doing}`, { retryable: true }));
    const timer = setTimeout(() => settle(reply.timedOut()), reply.timeoutMs);
    connection.on(reply.event, onAnswer);
    connection.on("failure", onFailure);
    connection.on("closed", onClosed);
    try {
      reply.send();
    } catch (error: unknown) {
      cleanup();
      reject(error);
    }
  });
}
