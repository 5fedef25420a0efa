/** PuppetServerPasswords: people's own server passwords, for IRC servers on demand only, sealed, and read back at a puppet's connect. */
import assert from "node:assert/strict";
import type { Adapter } from "../../../src/core/adapter.js";
import { AdapterRegistry, type OnDemandNetworks } from "../../../src/core/adapter-registry.js";
import { CredentialBox } from "../../../src/core/credential-box.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import { CHANGES_PER_HOUR, PuppetServerPasswords } from "../../../src/core/puppet-server-passwords.js";
import type { PuppetServerPasswordRecord, PuppetServerPasswordStore } from "../../../src/store/store.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");

function memoryStore(): PuppetServerPasswordStore & { rows: Map<string, PuppetServerPasswordRecord> } {
  const rows = new Map<string, PuppetServerPasswordRecord>();
  const key = (owner: Address, network: string): string => `${addressKey(owner)} ${network}`;
  return {
    rows,
    put: async (record) => void rows.set(key(record.owner, record.network), record),
    get: async (owner, network) => rows.get(key(owner, network)),
    remove: async (owner, network) => rows.delete(key(owner, network)),
    listOf: async (owner) => [...rows.values()].filter((record) => addressKey(record.owner) === addressKey(owner)),
  };
}

/** An IRC network's adapter as the service sees it: it may refuse secrets (no TLS) and is told of changes. */
function ircNetwork(name: string, refuse?: GatewayError) {
  const changed: Address[] = [];
  const adapter = {
    protocol: "irc",
    account: name,
    capabilities: { puppets: true },
    checkPuppetSecrets() {
      if (refuse) throw refuse;
    },
    async puppetAccountChanged(person: Address) {
      changed.push(person);
    },
  } as unknown as Adapter;
  return { adapter, changed };
}

describe("PuppetServerPasswords (people's own server passwords for IRC servers on demand)", () => {
  let now = 1_700_000_000_000;

  /** A registry with the configured network Libera and servers on demand: *.example.org hosts, connected when asked. */
  function service(withKey = true, refuse?: GatewayError) {
    const box = withKey ? new CredentialBox(Buffer.alloc(32, 7)) : undefined;
    const registry = new AdapterRegistry();
    registry.register(ircNetwork("Libera").adapter);
    const servers = new Map<string, ReturnType<typeof ircNetwork>>();
    const onDemand: OnDemandNetworks = {
      mayServe: () => false,
      serves: (protocol) => protocol === "irc",
      isOnDemand: (protocol, name) => protocol === "irc" && name.toLowerCase().endsWith(".example.org"),
      obtain: async () => undefined,
      async obtainNetwork(protocol, name) {
        if (!onDemand.isOnDemand(protocol, name)) return undefined;
        const host = name.toLowerCase();
        const server = servers.get(host) ?? ircNetwork(host, refuse);
        if (!servers.has(host)) registry.register(server.adapter);
        servers.set(host, server);
        return server.adapter;
      },
    };
    registry.serveOnDemand(onDemand);
    const store = memoryStore();
    const passwords = new PuppetServerPasswords({ box, store, registry, log: createLogger("silent"), now: () => now });
    return { passwords, store, servers };
  }

  it("keeps a password for a server on demand, sealed, under its host in lower case, and tells the server", async () => {
    const { passwords, store, servers } = service();
    assert.deepEqual(await passwords.set(alice, "IRC.Example.ORG", "s3cret pass"), { network: "irc.example.org", setAt: now });
    const row = [...store.rows.values()][0];
    assert.ok(row && !row.secret.includes(Buffer.from("s3cret")), "the password is sealed");
    assert.equal(await passwords.password(alice, "irc.example.org"), "s3cret pass");
    assert.equal(await passwords.password(bob, "irc.example.org"), undefined, "nobody else's");
    assert.deepEqual(servers.get("irc.example.org")?.changed, [alice]);
    assert.deepEqual(await passwords.list(alice), [{ network: "irc.example.org", setAt: now }]);
    await passwords.remove(alice, "Irc.Example.Org");
    assert.deepEqual(await passwords.list(alice), []);
    assert.deepEqual(servers.get("irc.example.org")?.changed, [alice, alice]);
    await assert.rejects(passwords.remove(alice, "irc.example.org"), { code: "GW_ERR_NOT_FOUND" });
  });

  it("refuses a configured network (its password is the operator's), another name, no key, and a server where it would go in clear", async () => {
    const { passwords, store } = service();
    await assert.rejects(passwords.set(alice, "libera", "x"), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_UNSUPPORTED" && /operator/.test(error.message));
    await assert.rejects(passwords.set(alice, "irc_net", "x"), { code: "GW_ERR_NO_ROUTE" });
    await assert.rejects(service(false).passwords.set(alice, "irc.example.org", "x"), { code: "GW_ERR_UNSUPPORTED" });
    const clear = service(true, new GatewayError("GW_ERR_FORBIDDEN", "in clear"));
    await assert.rejects(clear.passwords.set(alice, "irc.example.org", "x"), { code: "GW_ERR_FORBIDDEN" });
    assert.equal(store.rows.size + clear.store.rows.size, 0, "nothing kept");
  });

  it("sends none to a host configured as a network since it was kept: that server's password is the operator's", async () => {
    const { passwords, store } = service();
    await passwords.set(alice, "irc.example.org", "s3cret");
    const row = [...store.rows.values()][0];
    assert.ok(row);
    await store.put({ ...row, network: "libera" });
    assert.equal(await passwords.password(alice, "libera"), undefined);
  });

  it("opens nothing sealed for someone else, and says so rather than let a puppet connect without it", async () => {
    const { passwords, store } = service();
    await passwords.set(alice, "irc.example.org", "s3cret");
    const row = [...store.rows.values()][0];
    assert.ok(row);
    await store.put({ ...row, owner: bob });
    await assert.rejects(passwords.password(bob, "irc.example.org"), { code: "GW_ERR_AUTH_FAILED" });
  });

  it(`allows ${CHANGES_PER_HOUR} sets an hour to a person`, async () => {
    const { passwords } = service();
    for (let i = 0; i < CHANGES_PER_HOUR; i++) await passwords.set(alice, "irc.example.org", `p${i}`);
    await assert.rejects(passwords.set(alice, "irc.example.org", "one more"), { code: "GW_ERR_RATE_LIMITED" });
    await passwords.set(bob, "irc.example.org", "bob's");
    now += 60 * 60 * 1000 + 1;
    await passwords.set(alice, "irc.example.org", "later");
  });

  it(`counts a set before the server is connected for it: ${CHANGES_PER_HOUR} tries an hour at an unreachable host, then no more connections`, async () => {
    const registry = new AdapterRegistry();
    const tried: string[] = [];
    registry.serveOnDemand({
      mayServe: () => false,
      serves: (protocol) => protocol === "irc",
      isOnDemand: (protocol, name) => protocol === "irc" && name.endsWith(".example.org"),
      obtain: async () => undefined,
      async obtainNetwork(_protocol, name) {
        tried.push(name);
        throw new GatewayError("GW_ERR_UNAVAILABLE", `the IRC server ${name} could not be reached`, { retryable: true });
      },
    });
    const passwords = new PuppetServerPasswords({ box: new CredentialBox(Buffer.alloc(32, 7)), store: memoryStore(), registry, log: createLogger("silent"), now: () => now });
    for (let i = 0; i < CHANGES_PER_HOUR; i++) await assert.rejects(passwords.set(alice, "irc.example.org", `p${i}`), { code: "GW_ERR_UNAVAILABLE" });
    await assert.rejects(passwords.set(alice, "irc.example.org", "one more"), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(tried.length, CHANGES_PER_HOUR, "no connection past the limit");
  });
});
