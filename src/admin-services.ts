/**
 * Part of the composition root (gateway.ts): what the gateway's admins ask and say, beyond the accounts: the gateway's
 * status (core/gateway-status.ts), announcements to everyone online (core/announcements.ts), the message of the day
 * (core/message-of-the-day.ts, loaded from the store here), and with metrics.enabled the Prometheus endpoint over the
 * same status (metrics/metrics-server.ts).
 */
import type { AdapterRegistry } from "./core/adapter-registry.js";
import { Announcements } from "./core/announcements.js";
import { GatewayStatus } from "./core/gateway-status.js";
import type { Logger } from "./core/logger.js";
import type { MessageCounters } from "./core/message-counters.js";
import { MessageOfTheDay } from "./core/message-of-the-day.js";
import type { Address } from "./core/model/address.js";
import type { Supervisor } from "./core/supervisor.js";
import type { SwitchboardConfig } from "./config/config-types.js";
import { MetricsServer } from "./metrics/metrics-server.js";
import type { Store } from "./store/store.js";

export interface AdminServiceDeps {
  readonly config: SwitchboardConfig;
  readonly store: Store;
  readonly registry: AdapterRegistry;
  readonly supervisor: Supervisor;
  readonly isAdmin: (address: Address) => boolean;
  readonly counters: MessageCounters;
  readonly version: string | undefined;
  readonly log: Logger;
}

export interface AdminServices {
  readonly status: GatewayStatus;
  readonly announcements: Announcements;
  readonly messageOfTheDay: MessageOfTheDay;
  readonly metrics: MetricsServer | undefined;
}

export async function buildAdminServices(deps: AdminServiceDeps): Promise<AdminServices> {
  const { config, store, registry, supervisor, isAdmin, counters, log } = deps;
  const status = new GatewayStatus({
    version: deps.version ?? "unknown",
    startedAt: Date.now(),
    isAdmin,
    adapters: () => supervisor.states(),
    outbox: () => store.outbox.size(),
  });
  const announcements = new Announcements({ registry, isAdmin, log: log.child({ component: "announcements" }) });
  const messageOfTheDay = new MessageOfTheDay({
    settings: store.gatewaySettings,
    isAdmin,
    broadcast: (announcement) => announcements.broadcast(announcement),
    log: log.child({ component: "motd" }),
  });
  await messageOfTheDay.load();
  const metrics = config.metrics.enabled ? new MetricsServer(config.metrics, { snapshot: () => status.snapshot(), counters }, log.child({ component: "metrics" })) : undefined;
  return { status, announcements, messageOfTheDay, metrics };
}
