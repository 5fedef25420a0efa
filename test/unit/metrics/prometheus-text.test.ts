import assert from "node:assert/strict";
import { MessageCounters } from "../../../src/core/message-counters.js";
import { labelValue, prometheusText } from "../../../src/metrics/prometheus-text.js";
import type { GatewayStatusReport } from "../../../src/core/gateway-status.js";

const report: GatewayStatusReport = {
  version: '1.0 "beta"',
  startedAt: 1_700_000_000_000,
  adapters: [
    { protocol: "native", account: "default", status: "online", since: 1_700_000_000_000, attempts: 0, stats: { sessions: 3 } },
    { protocol: "irc", account: "lib\\era", status: "reconnecting", since: 1_700_000_100_000, attempts: 2, lastError: "refused", stats: { puppets: 5, channels_not_joined: 1 } },
  ],
  linkedAccounts: { total: 4, online: 1 },
  outbox: { entries: 7, recipients: 2 },
};

describe("the Prometheus text of the gateway's figures", () => {
  it("escapes label values as the format wants", () => {
    assert.equal(labelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  });

  it("writes each metric's help and type once, then its samples together, labelled by adapter", () => {
    const counters = new MessageCounters();
    counters.accepted.room = 12;
    counters.failed = 1;
    counters.expired = 40;
    const text = prometheusText(report, counters, { residentBytes: 1024, heapUsedBytes: 512, cpuSeconds: 1.5 });
    const lines = text.trimEnd().split("\n");
    assert.ok(lines.includes('switchboard_info{version="1.0 \\"beta\\""} 1'));
    assert.ok(lines.includes('switchboard_adapter_up{protocol="native",account="default"} 1'));
    assert.ok(lines.includes('switchboard_adapter_up{protocol="irc",account="lib\\\\era"} 0'));
    assert.ok(lines.includes('switchboard_adapter_restart_attempts{protocol="irc",account="lib\\\\era"} 2'));
    assert.ok(lines.includes('switchboard_adapter_count{protocol="irc",account="lib\\\\era",name="channels_not_joined"} 1'));
    assert.ok(lines.includes('switchboard_messages_accepted_total{scope="room"} 12'));
    assert.ok(lines.includes('switchboard_deliveries_total{outcome="failed"} 1'));
    assert.ok(lines.includes("switchboard_outbox_entries 7"));
    assert.ok(lines.includes("switchboard_messages_expired_total 40"));
    assert.ok(lines.includes("process_cpu_seconds_total 1.5"));
    for (const name of ["switchboard_adapter_up", "switchboard_deliveries_total", "switchboard_adapter_count"]) {
      assert.equal(lines.filter((line) => line === `# TYPE ${name} ${name.endsWith("_total") ? "counter" : "gauge"}`).length, 1, name);
      const samples = lines.map((line, index) => (line.startsWith(`${name}{`) ? index : -1)).filter((index) => index >= 0);
      assert.deepEqual(samples, samples.map((_, offset) => (samples[0] ?? 0) + offset), `${name}'s samples are together`);
    }
  });
});
