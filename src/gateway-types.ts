/** What the composition root (gateway.ts) gives its caller (main.ts): the running gateway, and what it is told of itself. */
import type { SwitchboardConfig } from "./config/config-types.js";

export interface Gateway {
  start(): Promise<void>;
  /** Stops accepting, drains what is in flight, closes adapters and the store. */
  stop(reason?: string): Promise<void>;
  /** The native adapter's port once started (useful when configured with port 0). */
  nativePort(): number | undefined;
  /**
   * The configuration file again (SIGHUP, config/reloadable.ts): its log level, admins, room member cap, users'
   * limits, the message log's age and bridges are applied now;
   * what else differs from the configuration the gateway started with is logged as waiting for a restart.
   */
  reload(config: SwitchboardConfig): Promise<void>;
}

/** What the gateway says of itself: its package version (the gateway's status, for admins). */
export interface GatewayOptions {
  readonly version?: string;
}
