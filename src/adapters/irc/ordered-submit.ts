/**
 * Submits messages from one IRC connection in the order they arrived. IRC has no acknowledgements, so the
 * gateway's order is the only order: each submit starts once the one before it has its place in the
 * gateway's order (SubmitOptions.onOrdered), so several can be in flight without overtaking each other.
 */
import type { SubmitOptions } from "../../core/adapter.js";
import type { Message, MessageDraft } from "../../core/model/message.js";

type Submit = (draft: MessageDraft, options?: SubmitOptions) => Promise<Message>;

export class OrderedSubmitter {
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly submit: Submit) {}

  /**
   * Resolves with the accepted message, or rejects with the gateway's refusal. `onAccepted` hears the message as
   * soon as it has its id, before any of its deliveries (and their failures) starts (SubmitOptions.onAccepted).
   */
  offer(draft: MessageDraft, onAccepted?: (message: Message) => void): Promise<Message> {
    const previous = this.turn;
    let ordered: () => void = () => undefined;
    this.turn = new Promise<void>((resolve) => (ordered = resolve));
    return previous.then(() => this.submit(draft, { onOrdered: ordered, ...(onAccepted === undefined ? {} : { onAccepted }) })).finally(ordered);
  }
}
