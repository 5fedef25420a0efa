/**
 * The gateway's status for its admins (native `gateway.status`, the XMPP ad-hoc command `status`): each network
 * adapter's state as the supervisor sees it (online, reconnecting after a failure and why, since when) with the
 * counts it gives (sessions, occupants, puppets...), people's own linked accounts summed up, and what waits in the
 * outbox. What an operator asks first when someone says "my messages do not arrive".
 */
import type { AdapterStatus } from "./adapter.js";
import { GatewayError } from "./errors.js";
import { formatAddress, type Address, type ProtocolId } from "./model/address.js";
import type { AdapterState } from "./supervisor.js";

export interface AdapterStatusView {
  readonly protocol: ProtocolId;
  readonly account: string;
  readonly status: AdapterStatus;
  /** Since when it is online, or not online (ms since the epoch): failed attempts while down do not move it. */
  readonly since: number;
  /** Restarts tried since it was last online. */
  readonly attempts: number;
  readonly lastError?: string;
  readonly stats: Readonly<Record<string, number>>;
}

export interface GatewayStatusReport {
  readonly version: string;
  readonly startedAt: number;
  /** The network adapters (native, XMPP component and bots, IRC networks), without people's own accounts. */
  readonly adapters: readonly AdapterStatusView[];
  /** People's own accounts on other networks (linked XMPP accounts): how many, and how many are online. */
  readonly linkedAccounts: { readonly total: number; readonly online: number };
  /** Messages waiting for their recipients (offline people, networks down). */
  readonly outbox: { readonly entries: number; readonly recipients: number };
}

export interface GatewayStatusDeps {
  readonly version: string;
  readonly startedAt: number;
  readonly isAdmin: (address: Address) => boolean;
  readonly adapters: () => readonly AdapterState[];
  readonly outbox: () => Promise<{ readonly entries: number; readonly recipients: number }>;
}

export class GatewayStatus {
  constructor(private readonly deps: GatewayStatusDeps) {}

  async report(by: Address): Promise<GatewayStatusReport> {
    if (!this.deps.isAdmin(by)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(by)} is not an admin of this gateway`);
    return this.snapshot();
  }

  /** The report, for the operator's own monitoring (the metrics endpoint), which asks no address. */
  async snapshot(): Promise<GatewayStatusReport> {
    const states = this.deps.adapters();
    const linked = states.filter((state) => state.adapter.owner !== undefined);
    const networks = states.filter((state) => state.adapter.owner === undefined);
    return {
      version: this.deps.version,
      startedAt: this.deps.startedAt,
      adapters: networks.map((state) => ({
        protocol: state.adapter.protocol,
        account: state.adapter.account,
        status: state.status,
        since: state.since,
        attempts: state.attempts,
        ...(state.lastError === undefined ? {} : { lastError: state.lastError }),
        stats: state.adapter.stats?.() ?? {},
      })),
      linkedAccounts: { total: linked.length, online: linked.filter((state) => state.status === "online").length },
      outbox: await this.deps.outbox(),
    };
  }
}
