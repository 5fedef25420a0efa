/**
 * Reports of failed deliveries to the message's sender. A report is stored before it is attempted and
 * removed only once the sender's adapter took it, so a sender who is offline when their message fails
 * (typical for an expiry) learns of it when they are reachable again: never silently dropped.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import { blockRefusal, isBlockRefusal } from "./blocklist.js";
import { ERROR_CODES, GatewayError, toGatewayError, type ErrorCode } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address, type ProtocolId } from "./model/address.js";
import type { Message } from "./model/message.js";
import type { FailureNotice, Store } from "../store/store.js";

/**
 * The code a block refusal (core/blocklist.ts) is stored under: read back as that refusal, not as a plain unknown
 * recipient's error, so that a report waiting for its network stays silent where a block is (IRC) when it is sent.
 */
const BLOCK_REFUSAL_CODE = "GW_ERR_UNKNOWN_RECIPIENT;block";

function errorOf(notice: FailureNotice): GatewayError {
  if (notice.code === BLOCK_REFUSAL_CODE) return blockRefusal(notice.recipient);
  const code: ErrorCode = notice.code in ERROR_CODES ? (notice.code as ErrorCode) : "GW_ERR_DELIVERY_FAILED";
  return new GatewayError(code, notice.reason);
}

/** What a sender on a network without a failure frame of its own is told (an IRC NOTICE, a bot's private MUC message). */
export function failureNotice(recipient: Address, error: GatewayError): string {
  return `Your message was not delivered to ${addressKey(recipient)}: ${error.message} (${error.code})`;
}

export class FailureReports {
  constructor(
    private readonly store: Store,
    private readonly registry: AdapterRegistry,
    private readonly log: Logger,
  ) {}

  /** Records the failure and tells the sender now if they are reachable. */
  async report(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    const code = isBlockRefusal(error) ? BLOCK_REFUSAL_CODE : error.code;
    const notice: FailureNotice = { sender: message.from, messageId: message.id, recipient, code, reason: error.message, at: Date.now() };
    await this.store.failures.add(notice, message);
    // The error itself, this once; an adapter may answer some refusals in its own way (core/blocklist.ts isBlockRefusal).
    await this.deliver(notice, message, error);
  }

  /** The sender is reachable: tells them every failure that waits for them, oldest first. */
  async flush(sender: Address): Promise<void> {
    for (const notice of await this.store.failures.pending(sender, 500)) {
      const message = await this.store.log.get(notice.messageId);
      if (!message) {
        await this.store.failures.remove(notice.sender, notice.messageId, notice.recipient);
        continue;
      }
      if (!(await this.deliver(notice, message))) return;
    }
  }

  /** A network is reachable again: tells its senders every failure that waits for them. */
  async flushNetwork(protocol: ProtocolId, account: string): Promise<void> {
    for (const sender of await this.store.failures.senders()) {
      if (sender.protocol === protocol && sender.account === account) await this.flush(sender);
    }
  }

  private async deliver(notice: FailureNotice, message: Message, reported: GatewayError = errorOf(notice)): Promise<boolean> {
    const adapter = this.registry.for(notice.sender);
    if (!adapter) return false;
    try {
      await adapter.reportFailure(message, notice.recipient, reported);
      await this.store.failures.remove(notice.sender, notice.messageId, notice.recipient);
      return true;
    } catch (thrown: unknown) {
      const error = toGatewayError(thrown);
      if (!error.retryable) this.log.error({ err: error, id: notice.messageId, sender: addressKey(notice.sender) }, "failure report refused");
      return false;
    }
  }
}
