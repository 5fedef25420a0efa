/** Which networks take direct messages, as adapters learn it (Router.takesDirectMessages, AdapterContext.takesDirectMessages). */
import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress } from "../../../src/core/model/address.js";
import { Router } from "../../../src/core/router.js";
import type { RouterDependencies } from "../../../src/core/router-dependencies.js";

function network(account: string, directMessages: boolean): Adapter {
  return { protocol: "irc", account, capabilities: { directMessages, relaysRooms: !directMessages } } as unknown as Adapter;
}

describe("Router: whether a network takes direct messages", () => {
  const registry = new AdapterRegistry();
  registry.register(network("libera", true));
  registry.register(network("oftc", false));
  const router = new Router({ registry, log: createLogger("silent"), presence: {}, roster: {}, rooms: {}, linkRequests: {} } as unknown as RouterDependencies);

  it("answers from the capabilities the network's adapter declares: an IRC network in relay mode takes none", () => {
    assert.equal(router.takesDirectMessages(parseAddress("irc://libera/bob")), true);
    assert.equal(router.takesDirectMessages(parseAddress("irc://oftc/carol")), false);
  });

  it("says no for an address no network serves", () => {
    assert.equal(router.takesDirectMessages(parseAddress("irc://nowhere/dave")), false);
  });
});
