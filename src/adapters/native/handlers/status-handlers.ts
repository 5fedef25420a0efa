/** gateway.status: an admin (config `admins`) reads the gateway's status (core/gateway-status.ts checks the right). */
import type { GatewayStatusReport } from "../../../core/gateway-status.js";
import type { GatewayStatusFrame } from "../client-frames.js";
import type { Handler } from "../handler-environment.js";
import { self } from "./contact-handlers.js";

export function statusView(report: GatewayStatusReport): Record<string, unknown> {
  return {
    version: report.version,
    started_at: report.startedAt,
    adapters: report.adapters.map((adapter) => ({
      protocol: adapter.protocol,
      account: adapter.account,
      status: adapter.status,
      since: adapter.since,
      attempts: adapter.attempts,
      ...(adapter.lastError === undefined ? {} : { last_error: adapter.lastError }),
      stats: adapter.stats,
    })),
    linked_accounts: report.linkedAccounts,
    outbox: report.outbox,
  };
}

export const gatewayStatus: Handler<GatewayStatusFrame> = async (session, _frame, env) => {
  return { status: statusView(await env.context.gatewayStatus(self(session))) };
};
