/** Stored bridges of networks served on demand, restored after the start and tried again while their server is away. */
import assert from "node:assert/strict";
import { AdapterRegistry, type OnDemandNetworks } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { BackgroundBridgeRestores } from "../../../src/core/background-bridge-restores.js";
import type { Bridge } from "../../../src/core/bridge-admin.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress } from "../../../src/core/model/address.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

const bridge: Bridge = { room: "later", remote: makeAddress("irc", "irc.example.org", "#later"), nick: "", key: "", membership: true, source: "runtime", createdAt: 1 };
const server = { protocol: "irc", account: "irc.example.org", bridgeRoom: async () => undefined } as unknown as Adapter;
const unreachable = (): GatewayError => new GatewayError("GW_ERR_UNAVAILABLE", "the IRC server irc.example.org could not be reached", { retryable: true });
const refused = (): GatewayError => new GatewayError("GW_ERR_FORBIDDEN", "the IRC server irc.example.org may not be reached through this gateway (irc.servers_on_demand.allow)");

/** A server on demand whose connection attempts end as the test lists them (an error, or connected). */
function serverOnDemand(outcomes: Array<GatewayError | "connected">): OnDemandNetworks & { asked: number } {
  return {
    asked: 0,
    mayServe: () => true,
    serves: () => true,
    isOnDemand: () => true,
    obtainNetwork: async () => undefined,
    async obtain() {
      this.asked += 1;
      const outcome = outcomes.shift();
      if (outcome === undefined || outcome === "connected") return server;
      throw outcome;
    },
  };
}

/** Lets the attempts that were started reach their end (the obtain, the store, the log). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("BackgroundBridgeRestores", () => {
  let lines: Record<string, unknown>[];
  let restored: string[];
  let timers: ManualTimers;
  let stored: boolean;
  let lifetime: AbortController;

  function restores(onDemand: OnDemandNetworks): BackgroundBridgeRestores {
    const registry = new AdapterRegistry();
    registry.serveOnDemand(onDemand);
    return new BackgroundBridgeRestores({
      registry,
      restoreWith: async (adapter, restoredBridge) => void restored.push(`${adapter.account} ${restoredBridge.remote.id}`),
      stillStored: async () => stored,
      signal: lifetime.signal,
      timers,
      log: createLogger("info", { write: (line: string): void => void lines.push(JSON.parse(line) as Record<string, unknown>) }),
    });
  }
  const messages = (): unknown[] => lines.map((line) => line["msg"]);

  beforeEach(() => {
    lines = [];
    restored = [];
    timers = new ManualTimers();
    stored = true;
    lifetime = new AbortController();
  });

  it("tries an unreachable server again after a backoff until it connects, then restores the bridge", async () => {
    const onDemand = serverOnDemand([unreachable(), unreachable(), "connected"]);
    const service = restores(onDemand);
    service.start(bridge);
    await settled();
    assert.deepEqual(restored, []);
    assert.equal(timers.pending.size, 1, "a retry is scheduled");
    assert.ok(service.waiting(bridge.remote));
    for (const _ of [1, 2]) {
      timers.fireAll();
      await settled();
    }
    assert.deepEqual(restored, ["irc.example.org #later"]);
    assert.equal(onDemand.asked, 3);
    assert.equal(timers.pending.size, 0);
    assert.ok(!service.waiting(bridge.remote));
    const retries = lines.filter((line) => line["msg"] === "bridge not restored yet: its IRC server on demand is not reached; trying again after backoff");
    assert.deepEqual(retries.map((line) => [line["attempt"], line["code"]]), [[1, "GW_ERR_UNAVAILABLE"], [2, "GW_ERR_UNAVAILABLE"]]);
    assert.equal(lines.at(-1)?.["msg"], "bridge restored: its IRC server on demand is connected");
  });

  it("words the retry of a server not tried for max_servers by that limit, not as not reached", async () => {
    const full = new GatewayError("GW_ERR_RATE_LIMITED", "2 IRC servers on demand are connected already: try again once one is disconnected (irc.servers_on_demand.max_servers)", { retryable: true });
    const onDemand = serverOnDemand([full, "connected"]);
    restores(onDemand).start(bridge);
    await settled();
    assert.deepEqual(messages(), ["bridge not restored yet: as many IRC servers on demand are connected as irc.servers_on_demand.max_servers allows; trying again after backoff"]);
    assert.equal(lines[0]?.["code"], "GW_ERR_RATE_LIMITED");
    timers.fireAll();
    await settled();
    assert.deepEqual(restored, ["irc.example.org #later"], "tried again all the same");
  });

  it("logs a host the configuration refuses once, and does not try it again", async () => {
    const onDemand = serverOnDemand([refused()]);
    restores(onDemand).start(bridge);
    await settled();
    assert.equal(timers.pending.size, 0, "no retry");
    assert.deepEqual(messages(), ["bridge kept, but its IRC server on demand is refused by the configuration: not tried again before a restart"]);
    assert.equal(lines[0]?.["code"], "GW_ERR_FORBIDDEN");
    assert.equal(onDemand.asked, 1);
  });

  it("keeps and logs a bridge whose network nobody serves", async () => {
    const onDemand = { mayServe: () => false, serves: () => false, isOnDemand: () => false, obtain: async () => undefined, obtainNetwork: async () => undefined };
    restores(onDemand).start(bridge);
    await settled();
    assert.deepEqual(messages(), ["bridge kept, but no configured network serves it"]);
    assert.equal(timers.pending.size, 0);
  });

  it("stops trying once the bridge is removed (cancelled, or gone from the store) or the gateway stops", async () => {
    const cancelled = restores(serverOnDemand([unreachable(), "connected"]));
    cancelled.start(bridge);
    await settled();
    cancelled.cancel(bridge.remote);
    assert.equal(timers.pending.size, 0, "the retry is cancelled");

    const gone = serverOnDemand([unreachable(), "connected"]);
    restores(gone).start(bridge);
    await settled();
    stored = false;
    timers.fireAll();
    await settled();
    assert.equal(gone.asked, 1, "not asked again for a bridge no longer stored");

    stored = true;
    const stopping = serverOnDemand([unreachable(), "connected"]);
    restores(stopping).start(bridge);
    await settled();
    lifetime.abort();
    assert.equal(timers.pending.size, 0, "the retry is cancelled as the gateway stops");
    assert.deepEqual(restored, []);
  });
});
