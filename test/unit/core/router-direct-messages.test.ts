/**
 * Which networks take direct messages, as adapters learn it (Router.takesDirectMessages, AdapterContext.takesDirectMessages),
 * and a direct message to a room refused at submit (Adapter.isRoom).
 */
import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { createLogger } from "../../../src/core/logger.js";
import { GatewayError } from "../../../src/core/errors.js";
import { parseAddress, type Address } from "../../../src/core/model/address.js";
import type { MessageDraft } from "../../../src/core/model/message.js";
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

describe("Router: a direct message to a room", () => {
  const registry = new AdapterRegistry();
  const asked: string[] = [];
  registry.register({
    protocol: "irc",
    account: "libera",
    capabilities: { directMessages: true, relaysRooms: true },
    isRoom: (address: Address) => address.id.startsWith("#"),
    knows: async (address: Address) => {
      asked.push(address.id);
      return true;
    },
  } as unknown as Adapter);
  const router = new Router({ registry, log: createLogger("silent"), presence: {}, roster: {}, rooms: {}, linkRequests: {} } as unknown as RouterDependencies);
  const draft = (to: string, scope: "direct" | "room"): MessageDraft => ({
    origin: { protocol: "native", account: "default" },
    scope,
    kind: "text",
    from: parseAddress("native:alice"),
    to: parseAddress(to),
    senderName: "alice",
    body: "hi",
  });

  it("is refused at submit with GW_ERR_BAD_ADDRESS when the network says the address is one of its rooms, before it is looked up", async () => {
    await assert.rejects(router.submit(draft("irc://libera/%23chan", "direct")), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, "GW_ERR_BAD_ADDRESS");
      assert.match(error.message, /irc:\/\/libera\/%23chan is a room/);
      return true;
    });
    assert.deepEqual(asked, []);
  });
});
