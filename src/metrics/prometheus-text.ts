/**
 * The gateway's figures in the Prometheus text exposition format (version 0.0.4): what the status report says
 * (each network adapter's state and counts, linked accounts, the outbox), the message counters, and the process's
 * memory and CPU. Pure: the metrics server hands it what it read.
 */
import type { GatewayStatusReport } from "../core/gateway-status.js";
import type { MessageCounters } from "../core/message-counters.js";

export interface ProcessFigures {
  readonly residentBytes: number;
  readonly heapUsedBytes: number;
  readonly cpuSeconds: number;
}

type Labels = Readonly<Record<string, string>>;

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
export function labelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

class Exposition {
  private readonly lines: string[] = [];
  private readonly described = new Set<string>();

  add(name: string, type: "gauge" | "counter", help: string, value: number, labels: Labels = {}): void {
    if (!this.described.has(name)) {
      this.described.add(name);
      this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    }
    const pairs = Object.entries(labels).map(([key, label]) => `${key}="${labelValue(label)}"`);
    this.lines.push(`${name}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${Number.isFinite(value) ? value : 0}`);
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

export function prometheusText(report: GatewayStatusReport, counters: MessageCounters, process: ProcessFigures): string {
  const out = new Exposition();
  out.add("switchboard_info", "gauge", "The gateway's version, as a label.", 1, { version: report.version });
  out.add("switchboard_start_time_seconds", "gauge", "When the gateway started, in seconds since the epoch.", report.startedAt / 1000);
  // Grouped by metric: the format wants each metric's samples together.
  const adapters = [...report.adapters];
  const of = (adapter: (typeof adapters)[number]): Labels => ({ protocol: adapter.protocol, account: adapter.account });
  for (const adapter of adapters) out.add("switchboard_adapter_up", "gauge", "1 while the network adapter is online, else 0.", adapter.status === "online" ? 1 : 0, of(adapter));
  for (const adapter of adapters) {
    out.add("switchboard_adapter_status_since_seconds", "gauge", "Since when the adapter is in its present state (online or not), in seconds since the epoch.", adapter.since / 1000, of(adapter));
  }
  for (const adapter of adapters) out.add("switchboard_adapter_restart_attempts", "gauge", "Restarts tried since the adapter was last online.", adapter.attempts, of(adapter));
  for (const adapter of adapters) {
    for (const [name, value] of Object.entries(adapter.stats)) {
      out.add("switchboard_adapter_count", "gauge", "What each adapter counts (sessions, occupants, puppets, channels...), by name.", value, { ...of(adapter), name });
    }
  }
  out.add("switchboard_linked_accounts", "gauge", "People's own accounts on other networks (linked XMPP accounts).", report.linkedAccounts.total);
  out.add("switchboard_linked_accounts_online", "gauge", "Linked accounts logged in now.", report.linkedAccounts.online);
  out.add("switchboard_outbox_entries", "gauge", "Deliveries waiting in the outbox (offline people, networks down, unconfirmed).", report.outbox.entries);
  out.add("switchboard_outbox_recipients", "gauge", "Recipients with deliveries waiting in the outbox.", report.outbox.recipients);
  for (const scope of ["direct", "room"] as const) {
    out.add("switchboard_messages_accepted_total", "counter", "Messages accepted (acknowledged to their senders) since the start.", counters.accepted[scope], { scope });
  }
  out.add("switchboard_deliveries_total", "counter", "Queued deliveries (to a recipient, to a bridged room) ended since the start, by outcome.", counters.delivered, { outcome: "delivered" });
  out.add("switchboard_deliveries_total", "counter", "Queued deliveries (to a recipient, to a bridged room) ended since the start, by outcome.", counters.failed, { outcome: "failed" });
  out.add("switchboard_messages_expired_total", "counter", "Messages deleted from the message log for their age (store.message_log_max_age_days) since the start.", counters.expired);
  out.add("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", process.residentBytes);
  out.add("nodejs_heap_used_bytes", "gauge", "V8 heap in use, in bytes.", process.heapUsedBytes);
  out.add("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.", process.cpuSeconds);
  return out.text();
}
