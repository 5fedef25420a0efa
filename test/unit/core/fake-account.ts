/** A fake linked account for core unit tests: an adapter with an owner that logs in (or fails to) as told. */
import type { Adapter, AdapterCapabilities, SubscriptionEvent } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import type { LinkedAdapterSpec } from "../../../src/core/linked-accounts.js";
import type { Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import type { Room } from "../../../src/core/model/room.js";

/** While set, logins wait for it: a link in progress. */
let hold: Promise<void> | undefined;

/** Makes every FakeAccount login wait until the returned function is called. */
export function holdLogins(): () => void {
  let release: () => void = () => undefined;
  hold = new Promise((resolve) => (release = resolve));
  return () => {
    release();
    hold = undefined;
  };
}

/** An adapter that logs in (or fails to) as told, and records what happened to it. */
export class FakeAccount implements Adapter {
  readonly protocol = "xmpp" as const;
  readonly capabilities: AdapterCapabilities = { directMessages: true, rooms: false, presence: true, subscriptions: true, typing: true, actions: true, notices: false, corrections: true, relaysRooms: false, puppets: false };
  readonly owner: Address;
  readonly account: string;
  started = 0;
  stopped = 0;
  /** checkCredentials calls: a login beside the running session, which fails as start() would. */
  checked = 0;

  constructor(
    readonly spec: LinkedAdapterSpec,
    private readonly failure?: GatewayError,
  ) {
    this.owner = spec.owner;
    this.account = spec.account;
  }

  async start(): Promise<void> {
    this.started += 1;
    await hold;
    if (this.failure) throw this.failure;
  }

  async checkCredentials(): Promise<void> {
    this.checked += 1;
    if (this.failure) throw this.failure;
  }

  async stop(): Promise<void> {
    this.stopped += 1;
  }

  async knows(): Promise<boolean> {
    return true;
  }

  async send(): Promise<{ delivered: true }> {
    return { delivered: true };
  }

  async sendPresence(): Promise<void> {}
  async watchPresence(): Promise<void> {}
  async setPresence(): Promise<void> {}
  async sendSubscription(_event: SubscriptionEvent): Promise<void> {}
  async sendTyping(): Promise<void> {}
  async reportFailure(_message: Message, _recipient: Address, _error: GatewayError): Promise<void> {}
  async reportDelivered(): Promise<void> {}
  async sendMembership(): Promise<void> {}
  async sendMemberChange(): Promise<void> {}
  async sendTopic(): Promise<void> {}
  async joinRoom(): Promise<Room> {
    throw new GatewayError("GW_ERR_NO_ROUTE");
  }
  async leaveRoom(): Promise<void> {}
}
