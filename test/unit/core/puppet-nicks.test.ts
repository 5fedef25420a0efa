import assert from "node:assert/strict";
import type { Adapter } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { makeAddress, type Address } from "../../../src/core/model/address.js";
import { NameClaims } from "../../../src/core/name-claims.js";
import { CHANGES_PER_HOUR, PuppetNicks } from "../../../src/core/puppet-nicks.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");

/** An IRC network's adapter as the service sees it: "bad" is refused by the gateway, "taken" by the server (433). */
function ircNetwork(name: string, puppets = true): Adapter {
  return {
    protocol: "irc",
    account: name,
    capabilities: { puppets },
    async setPuppetNick(_person: Address, chosen: string) {
      if (chosen === "bad") throw new GatewayError("GW_ERR_BAD_ADDRESS", "too long");
      if (chosen === "taken") throw new GatewayError("GW_ERR_NICK_IN_USE", "433", { condition: "ERR_NICKNAMEINUSE" });
      return `${chosen || "default"}[sb]`;
    },
    puppetNick: (person: Address) => `${person.id}[sb]`,
  } as unknown as Adapter;
}

describe("PuppetNicks (people's own nicks for their puppets)", () => {
  let now = 1_700_000_000_000;

  function service(): PuppetNicks {
    const registry = new AdapterRegistry();
    registry.register(ircNetwork("Libera"));
    registry.register(ircNetwork("relaynet", false));
    return new PuppetNicks({ registry, log: createLogger("silent"), now: () => now });
  }

  it("sets a nick on a network with puppets, found without case, and lists each such network's nick", async () => {
    const nicks = service();
    assert.equal(nicks.offered(), true);
    assert.deepEqual(await nicks.set(alice, "libera", "ali"), { network: "Libera", nick: "ali[sb]" });
    assert.deepEqual(nicks.list(alice), [{ network: "Libera", nick: "alice[sb]" }]);
    await assert.rejects(nicks.set(alice, "relaynet", "ali"), { code: "GW_ERR_NO_ROUTE" });
    await assert.rejects(nicks.set(alice, "nowhere", "ali"), { code: "GW_ERR_NO_ROUTE" });
  });

  it(`allows ${CHANGES_PER_HOUR} changes an hour per person and network, counting the network's refusals but not the gateway's`, async () => {
    const nicks = service();
    for (let change = 0; change < CHANGES_PER_HOUR - 1; change++) await nicks.set(alice, "libera", `n${change}`);
    for (let refused = 0; refused < 3; refused++) await assert.rejects(nicks.set(alice, "libera", "bad"), { code: "GW_ERR_BAD_ADDRESS" });
    await assert.rejects(nicks.set(alice, "libera", "taken"), { code: "GW_ERR_NICK_IN_USE" });
    await assert.rejects(nicks.set(alice, "libera", "more"), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal((await nicks.set(bob, "libera", "bobby")).nick, "bobby[sb]", "another person is counted apart");
    now += 60 * 60 * 1000 + 1;
    assert.equal((await nicks.set(alice, "libera", "")).nick, "default[sb]", "an hour later");
  });

  it(`counts a change on a server on demand before connecting it: ${CHANGES_PER_HOUR} tries an hour at an unreachable host, then no more connections`, async () => {
    const registry = new AdapterRegistry();
    const tried: string[] = [];
    registry.serveOnDemand({
      mayServe: () => false,
      serves: (protocol) => protocol === "irc",
      isOnDemand: (protocol, name) => protocol === "irc" && name.toLowerCase().endsWith(".example.org"),
      obtain: async () => undefined,
      async obtainNetwork(_protocol, name) {
        tried.push(name);
        throw new GatewayError("GW_ERR_UNAVAILABLE", `the IRC server ${name} could not be reached`, { retryable: true });
      },
    });
    const nicks = new PuppetNicks({ registry, log: createLogger("silent"), now: () => now });
    for (let attempt = 0; attempt < CHANGES_PER_HOUR; attempt++) await assert.rejects(nicks.set(alice, attempt % 2 === 0 ? "irc.example.org" : "IRC.example.org", "ali"), { code: "GW_ERR_UNAVAILABLE" });
    await assert.rejects(nicks.set(alice, "irc.example.org", "ali"), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(tried.length, CHANGES_PER_HOUR, "no connection past the limit");
    await assert.rejects(nicks.set(alice, "other.example.org", "ali"), { code: "GW_ERR_UNAVAILABLE" }, "another server is counted apart");
  });

  it("lists the nick a person holds on a server on demand not connected now, beside the connected networks", async () => {
    const store = openSqliteStore(":memory:");
    try {
      const names = new NameClaims(store.names);
      await names.choose("irc", "irc.example.org", alice, ["ali[od]"]);
      await names.claim("irc", "irc.example.org", bob, ["bob[od]"]);
      await names.claim("irc", "gone.example.net", alice, ["alice[od]"]);
      await names.claim("irc", "Libera", alice, ["ali[sb]"]);
      const registry = new AdapterRegistry();
      registry.register(ircNetwork("Libera"));
      registry.serveOnDemand({
        mayServe: () => true,
        serves: (protocol) => protocol === "irc",
        isOnDemand: (protocol, name) => protocol === "irc" && name.endsWith(".example.org"),
        obtain: async () => undefined,
        obtainNetwork: async () => undefined,
      });
      const nicks = new PuppetNicks({ registry, names, log: createLogger("silent"), now: () => now });
      assert.deepEqual(nicks.list(alice), [
        { network: "Libera", nick: "alice[sb]" },
        { network: "irc.example.org", nick: "ali[od]" },
      ], "the configured network as its adapter tells, the server on demand by the kept claim; not a host no longer served on demand");
      assert.deepEqual(nicks.list(bob), [
        { network: "Libera", nick: "bob[sb]" },
        { network: "irc.example.org", nick: "bob[od]" },
      ]);
    } finally {
      await store.close();
    }
  });
});
