import assert from "node:assert/strict";
import type { Adapter, PuppetCredentials } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { CredentialBox } from "../../../src/core/credential-box.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, makeAddress, type Address } from "../../../src/core/model/address.js";
import { PuppetAccounts, SETS_PER_HOUR } from "../../../src/core/puppet-accounts.js";
import type { PuppetAccountRecord, PuppetAccountStore } from "../../../src/store/store.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");

function memoryStore(): PuppetAccountStore & { rows: Map<string, PuppetAccountRecord> } {
  const rows = new Map<string, PuppetAccountRecord>();
  const key = (owner: Address, network: string): string => `${addressKey(owner)} ${network}`;
  return {
    rows,
    put: async (record) => void rows.set(key(record.owner, record.network), record),
    get: async (owner, network) => rows.get(key(owner, network)),
    remove: async (owner, network) => rows.delete(key(owner, network)),
    listOf: async (owner) => [...rows.values()].filter((record) => addressKey(record.owner) === addressKey(owner)),
  };
}

/** An IRC network's adapter as the service sees it: it verifies (taking `good` only) and is told of changes. */
function ircNetwork(name: string, good: PuppetCredentials) {
  const verified: PuppetCredentials[] = [];
  const changed: Address[] = [];
  const adapter = {
    protocol: "irc",
    account: name,
    capabilities: { puppets: true },
    async verifyPuppetAccount(_person: Address, credentials: PuppetCredentials) {
      verified.push(credentials);
      if (credentials.password !== good.password || credentials.account !== good.account) throw new GatewayError("GW_ERR_AUTH_FAILED", "904");
    },
    async puppetAccountChanged(person: Address) {
      changed.push(person);
    },
  } as unknown as Adapter;
  return { adapter, verified, changed };
}

describe("PuppetAccounts (people's own IRC services accounts)", () => {
  const good = { account: "alice", password: "s3cret" };
  let now = 1_700_000_000_000;

  function service(withKey = true) {
    const box = withKey ? new CredentialBox(Buffer.alloc(32, 7)) : undefined;
    const registry = new AdapterRegistry();
    const network = ircNetwork("Libera", good);
    registry.register(network.adapter);
    const store = memoryStore();
    const accounts = new PuppetAccounts({ box, store, registry, log: createLogger("silent"), now: () => now });
    return { accounts, network, store, registry };
  }

  it("keeps only what the services took, sealed, under the network's own name, and tells the network", async () => {
    const { accounts, network, store } = service();
    await assert.rejects(accounts.set(alice, "libera", { account: "alice", password: "wrong" }), { code: "GW_ERR_AUTH_FAILED" });
    assert.equal(store.rows.size, 0);
    assert.deepEqual(network.changed, []);
    assert.deepEqual(await accounts.set(alice, "LIBERA", good), { network: "Libera", account: "alice", setAt: now });
    const row = [...store.rows.values()][0];
    assert.ok(row && !row.secret.includes(Buffer.from("s3cret")), "the password is sealed");
    assert.deepEqual(await accounts.credentials(alice, "Libera"), good);
    assert.equal(await accounts.credentials(bob, "Libera"), undefined, "nobody else's");
    assert.deepEqual(network.changed, [alice]);
  });

  it("opens nothing that was sealed for someone else, and says so rather than let a puppet go without its account", async () => {
    const { accounts, store } = service();
    await accounts.set(alice, "libera", good);
    const row = [...store.rows.values()][0] as PuppetAccountRecord;
    await store.put({ ...row, owner: bob });
    await assert.rejects(accounts.credentials(bob, "Libera"), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_AUTH_FAILED" && /set it again with irc\.account\.set/.test(error.message));
  });

  it(`tries at most ${SETS_PER_HOUR} accounts an hour for a person, taken or refused, each a connection to the network`, async () => {
    const { accounts, network } = service();
    for (let attempt = 0; attempt < SETS_PER_HOUR; attempt++) {
      await accounts.set(alice, "libera", attempt % 2 === 0 ? good : { account: "alice", password: "wrong" }).catch(() => undefined);
    }
    await assert.rejects(accounts.set(alice, "libera", good), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(network.verified.length, SETS_PER_HOUR, "the refused attempt made no connection");
    await accounts.set(bob, "libera", good);
    now += 60 * 60 * 1000 + 1;
    await accounts.set(alice, "libera", good);
  });

  it(`counts an attempt on a server on demand before connecting it: ${SETS_PER_HOUR} tries an hour at an unreachable host, then no more connections`, async () => {
    const { accounts, registry } = service();
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
    for (let attempt = 0; attempt < SETS_PER_HOUR; attempt++) await assert.rejects(accounts.set(alice, "irc.example.org", good), { code: "GW_ERR_UNAVAILABLE" });
    await assert.rejects(accounts.set(alice, "irc.example.org", good), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(tried.length, SETS_PER_HOUR, "no connection past the limit");
  });

  it("offers nothing where every IRC network is bridged in relay mode (no puppets)", () => {
    const registry = new AdapterRegistry();
    registry.register({ protocol: "irc", account: "relaynet", capabilities: { puppets: false }, verifyPuppetAccount: async () => undefined } as unknown as Adapter);
    const accounts = new PuppetAccounts({ box: new CredentialBox(Buffer.alloc(32, 7)), store: memoryStore(), registry, log: createLogger("silent") });
    assert.deepEqual([accounts.offered(), accounts.settable()], [false, false]);
  });

  it("runs a person's changes one at a time: of two sets at once, the one asked last is kept", async () => {
    const registry = new AdapterRegistry();
    const releases: Array<() => void> = [];
    // The first check is slow (its services answer late), the second quick: without order, the first would win.
    const slowFirst = {
      protocol: "irc",
      account: "libera",
      capabilities: { puppets: true },
      async verifyPuppetAccount(_person: Address, credentials: PuppetCredentials) {
        if (credentials.password === "first") await new Promise<void>((resolve) => releases.push(resolve));
      },
      async puppetAccountChanged() {},
    } as unknown as Adapter;
    registry.register(slowFirst);
    const store = memoryStore();
    const accounts = new PuppetAccounts({ box: new CredentialBox(Buffer.alloc(32, 7)), store, registry, log: createLogger("silent"), now: () => now });
    const first = accounts.set(alice, "libera", { account: "alice", password: "first" });
    const second = accounts.set(alice, "libera", { account: "alice", password: "second" });
    await new Promise((resolve) => setImmediate(resolve));
    for (const release of releases) release();
    await Promise.all([first, second]);
    assert.equal((await accounts.credentials(alice, "libera"))?.password, "second");
  });

  it("refuses without a credential key, or for a network that is not configured, and removes only what is kept", async () => {
    await assert.rejects(service(false).accounts.set(alice, "libera", good), { code: "GW_ERR_UNSUPPORTED" });
    assert.deepEqual([service(false).accounts.offered(), service(false).accounts.settable()], [true, false], "kept accounts can still be removed without a key");
    const { accounts, network } = service();
    assert.equal(accounts.settable(), true);
    await assert.rejects(accounts.set(alice, "oftc", good), { code: "GW_ERR_NO_ROUTE" });
    await assert.rejects(accounts.remove(alice, "libera"), { code: "GW_ERR_NOT_FOUND" });
    await accounts.set(alice, "libera", good);
    await accounts.remove(alice, "libera");
    assert.deepEqual(await accounts.list(alice), []);
    assert.deepEqual(network.changed, [alice, alice]);
  });
});
