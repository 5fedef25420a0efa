import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Adapter } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { CredentialBox } from "../../../src/core/credential-box.js";
import { GatewayError } from "../../../src/core/errors.js";
import { LinkedAccounts } from "../../../src/core/linked-accounts.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress } from "../../../src/core/model/address.js";
import { Supervisor } from "../../../src/core/supervisor.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { FakeAccount, holdLogins } from "./fake-account.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const REQUEST = { login: "alice@example.org", password: "s3cret-xmpp", service: "xmpps://example.org:5223" };

describe("LinkedAccounts", () => {
  let store: Store;
  let registry: AdapterRegistry;
  let supervisor: Supervisor;
  let created: FakeAccount[];
  let failure: GatewayError | undefined;
  let logLines: string[];
  const box = new CredentialBox(randomBytes(32));

  function service(options: { enabled?: boolean; key?: CredentialBox; disabled?: (owner: typeof alice) => Promise<boolean> } = {}): LinkedAccounts {
    const log = createLogger("info", { write: (line: string) => void logLines.push(line) });
    return new LinkedAccounts({
      enabled: options.enabled ?? true,
      box: options.key ?? box,
      store: store.linkedAccounts,
      contacts: store.contacts,
      registry,
      supervisor,
      factories: {
        xmpp: (spec) => {
          const adapter = new FakeAccount(spec, failure);
          created.push(adapter);
          return adapter;
        },
      },
      ...(options.disabled === undefined ? {} : { disabled: options.disabled }),
      log,
    });
  }

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    for (const name of ["alice", "bob"]) await store.accounts.create({ name, passwordHash: "scrypt$x", displayName: name, createdAt: 1 });
    registry = new AdapterRegistry();
    supervisor = new Supervisor(createLogger("silent"));
    created = [];
    failure = undefined;
    logLines = [];
  });

  afterEach(async () => {
    await supervisor.stopAll("test over");
    await store.close();
  });

  it("logs in first, then keeps the adapter (registered, supervised online) and the sealed password", async () => {
    const linked = await service().link(alice, "xmpp", REQUEST);
    assert.deepEqual(linked, { network: "xmpp", account: "u.alice", login: "alice@example.org" });
    const [adapter] = created;
    assert.ok(adapter);
    assert.equal(adapter.started, 1);
    assert.equal(adapter.spec.password, REQUEST.password);
    assert.equal(registry.get("xmpp", "u.alice"), adapter);
    assert.deepEqual(registry.ownedBy(alice), [adapter]);
    assert.equal(supervisor.status(adapter), "online");
    const record = await store.linkedAccounts.get(alice, "xmpp");
    assert.ok(record);
    assert.deepEqual([record.login, record.service], [REQUEST.login, REQUEST.service]);
    assert.equal(record.secret.includes(Buffer.from(REQUEST.password)), false, "never in clear");
    assert.equal(box.open(record.secret, "native:alice\nxmpp\nalice@example.org"), REQUEST.password);
    assert.equal(logLines.join("").includes(REQUEST.password), false, "never logged");
  });

  it("keeps nothing when the login fails: no credentials, no adapter, and the attempt is stopped", async () => {
    failure = new GatewayError("GW_ERR_AUTH_FAILED", "the XMPP server refused the login");
    await assert.rejects(service().link(alice, "xmpp", REQUEST), { code: "GW_ERR_AUTH_FAILED" });
    assert.equal(await store.linkedAccounts.get(alice, "xmpp"), undefined);
    assert.equal(registry.get("xmpp", "u.alice"), undefined);
    assert.equal(created[0]?.stopped, 1);
  });

  it("refuses to link when the feature is disabled, a second account on the same network, and an account another user linked", async () => {
    await assert.rejects(service({ enabled: false }).link(alice, "xmpp", REQUEST), { code: "GW_ERR_FORBIDDEN", message: "linking accounts is disabled on this gateway" });
    const links = service();
    await links.link(alice, "xmpp", REQUEST);
    await assert.rejects(links.link(alice, "xmpp", { ...REQUEST, login: "other@example.org" }), { code: "GW_ERR_FORBIDDEN", message: /already linked/ });
    await assert.rejects(links.link(bob, "xmpp", REQUEST), { code: "GW_ERR_FORBIDDEN", message: "alice@example.org is linked by another user of this gateway" });
    assert.equal(created.length, 1);
  });

  it("links the same account again with a new password: tried first, then stored and the session replaced, the contacts kept", async () => {
    const links = service();
    await links.link(alice, "xmpp", REQUEST);
    const juliet = { owner: alice, address: parseAddress("xmpp://u.alice/juliet@example.org"), name: "Juliet", subscription: "both" as const, pendingOut: false, pendingIn: false };
    await store.contacts.put(juliet);
    const again = await links.link(alice, "xmpp", { ...REQUEST, password: "n3w-secret" });
    assert.deepEqual(again, { network: "xmpp", account: "u.alice", login: "alice@example.org" });
    const [first, second] = created;
    assert.ok(first && second);
    assert.deepEqual([second.checked, second.started, second.spec.password], [1, 1, "n3w-secret"]);
    assert.equal(first.stopped, 1);
    assert.equal(registry.get("xmpp", "u.alice"), second);
    assert.equal(supervisor.status(second), "online");
    assert.equal(supervisor.status(first), "offline", "the old session is no longer supervised");
    const record = await store.linkedAccounts.get(alice, "xmpp");
    assert.equal(record && box.open(record.secret, "native:alice\nxmpp\nalice@example.org"), "n3w-secret");
    assert.deepEqual(await store.contacts.list(alice), [juliet]);
  });

  it("leaves the link untouched when the new password is refused", async () => {
    const links = service();
    await links.link(alice, "xmpp", REQUEST);
    const before = await store.linkedAccounts.get(alice, "xmpp");
    failure = new GatewayError("GW_ERR_AUTH_FAILED", "the XMPP server refused the login");
    await assert.rejects(links.link(alice, "xmpp", { ...REQUEST, password: "wrong" }), { code: "GW_ERR_AUTH_FAILED" });
    const [first, second] = created;
    assert.ok(first && second);
    assert.deepEqual([second.checked, second.started, first.stopped], [1, 0, 0]);
    assert.equal(registry.get("xmpp", "u.alice"), first);
    assert.equal(supervisor.status(first), "online");
    assert.deepEqual(await store.linkedAccounts.get(alice, "xmpp"), before);
  });

  it("links again an account that was kept but not started (its key could not open it)", async () => {
    const otherKey = new CredentialBox(randomBytes(32));
    await store.linkedAccounts.put({ owner: alice, network: "xmpp", login: REQUEST.login, service: REQUEST.service, secret: otherKey.seal("old", "native:alice\nxmpp\nalice@example.org"), linkedAt: 1 });
    const links = service();
    await links.restore();
    assert.deepEqual(created, []);
    await links.link(alice, "xmpp", REQUEST);
    assert.equal(registry.get("xmpp", "u.alice"), created[0]);
    const record = await store.linkedAccounts.get(alice, "xmpp");
    assert.equal(record && box.open(record.secret, "native:alice\nxmpp\nalice@example.org"), REQUEST.password);
  });

  it("refuses a second link or unlink of the same account while one is in progress", async () => {
    const links = service();
    const release = holdLogins();
    try {
      const first = links.link(alice, "xmpp", REQUEST);
      await assert.rejects(links.link(alice, "xmpp", REQUEST), { code: "GW_ERR_RATE_LIMITED" });
      await assert.rejects(links.unlink(alice, "xmpp"), { code: "GW_ERR_RATE_LIMITED" });
      release();
      await first;
    } finally {
      release();
    }
  });

  it("stops what it started when the owner's account began to be deleted while it logged in, keeping nothing", async () => {
    const links = service();
    const release = holdLogins();
    try {
      const linking = links.link(alice, "xmpp", REQUEST);
      assert.equal(await store.accountRemovals.begin("alice", 2), true);
      release();
      await assert.rejects(linking, { code: "GW_ERR_NOT_FOUND" });
    } finally {
      release();
    }
    const [adapter] = created;
    assert.equal(adapter?.stopped, 1);
    assert.equal(registry.get("xmpp", "u.alice"), undefined);
    assert.deepEqual(supervisor.states(), [], "no longer supervised");
    assert.deepEqual(await store.linkedAccounts.list(), [], "nothing for restore() to bring back");
  });

  it("releases an owner's account (a deletion) after a relink in progress, not refused: no session of theirs is left", async () => {
    const links = service();
    await links.link(alice, "xmpp", REQUEST);
    const release = holdLogins();
    let released = false;
    try {
      const relinking = links.link(alice, "xmpp", { ...REQUEST, password: "n3w-secret" });
      const releasing = links.release(alice).then(() => (released = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(released, false, "waits for the relink");
      await assert.rejects(links.unlink(alice, "xmpp"), { code: "GW_ERR_RATE_LIMITED" }, "the person's own is still refused");
      release();
      await relinking;
      await releasing;
    } finally {
      release();
    }
    assert.deepEqual(created.map((adapter) => adapter.stopped), [1, 1], "the old session and the relinked one");
    assert.equal(registry.get("xmpp", "u.alice"), undefined);
    assert.deepEqual(supervisor.states(), []);
    assert.deepEqual(await store.linkedAccounts.list(), []);
  });

  it("releases an owner's account after the first link in progress, and an owner with none at no error", async () => {
    const links = service();
    const release = holdLogins();
    try {
      const linking = links.link(alice, "xmpp", REQUEST);
      const releasing = links.release(alice);
      release();
      await linking;
      await releasing;
    } finally {
      release();
    }
    assert.equal(created[0]?.stopped, 1);
    assert.equal(registry.get("xmpp", "u.alice"), undefined);
    assert.deepEqual(await store.linkedAccounts.list(), []);
    await links.release(bob);
  });

  it("unlinks at once: stops and drops the adapter, deletes the credentials and the account's contacts only", async () => {
    const links = service();
    await links.link(alice, "xmpp", REQUEST);
    const juliet = parseAddress("xmpp://u.alice/juliet@example.org");
    const other = { owner: alice, address: bob, name: "bob", subscription: "both" as const, pendingOut: false, pendingIn: false };
    await store.contacts.put({ owner: alice, address: juliet, name: "Juliet", subscription: "both", pendingOut: false, pendingIn: false });
    await store.contacts.put(other);
    await links.unlink(alice, "xmpp");
    assert.equal(created[0]?.stopped, 1);
    assert.equal(registry.get("xmpp", "u.alice"), undefined);
    assert.equal(supervisor.status(created[0] as Adapter), "offline");
    assert.equal(await store.linkedAccounts.get(alice, "xmpp"), undefined);
    assert.deepEqual(await store.contacts.list(alice), [other]);
    await assert.rejects(links.unlink(alice, "xmpp"), { code: "GW_ERR_NOT_FOUND" });
  });

  it("unlinks even when the feature was disabled since, so credentials can always be deleted", async () => {
    await service().link(alice, "xmpp", REQUEST);
    await service({ enabled: false }).unlink(alice, "xmpp");
    assert.deepEqual(await store.linkedAccounts.list(), []);
  });

  it("restores every stored account, skipping (with an error logged) one the key cannot open", async () => {
    await store.linkedAccounts.put({ owner: alice, network: "xmpp", login: "alice@example.org", service: "xmpps://example.org", secret: box.seal("a-pass", "native:alice\nxmpp\nalice@example.org"), linkedAt: 1 });
    const otherKey = new CredentialBox(randomBytes(32));
    await store.linkedAccounts.put({ owner: bob, network: "xmpp", login: "bob@example.org", service: "xmpps://example.org", secret: otherKey.seal("b-pass", "native:bob\nxmpp\nbob@example.org"), linkedAt: 1 });
    await service().restore();
    assert.deepEqual(
      created.map((adapter) => [adapter.account, adapter.spec.password]),
      [["u.alice", "a-pass"]],
    );
    assert.equal(registry.get("xmpp", "u.bob"), undefined);
    const skipped = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line["msg"] === "linked account skipped");
    assert.deepEqual([skipped?.["level"], skipped?.["owner"], skipped?.["login"]], [50, "native:bob", "bob@example.org"]);
    await supervisor.startAll();
    assert.equal(created[0]?.started, 1, "restored accounts start with the other adapters");
  });

  it("restores nothing while the feature is disabled", async () => {
    await store.linkedAccounts.put({ owner: alice, network: "xmpp", login: "alice@example.org", service: "xmpps://example.org", secret: box.seal("a-pass", "native:alice\nxmpp\nalice@example.org"), linkedAt: 1 });
    await service({ enabled: false }).restore();
    assert.deepEqual(created, []);
  });

  describe("of a disabled owner (core/account-suspension.ts)", () => {
    const put = (owner: typeof alice, login: string, password: string) =>
      store.linkedAccounts.put({ owner, network: "xmpp", login, service: "xmpps://example.org", secret: box.seal(password, `${owner.protocol}:${owner.id}\nxmpp\n${login}`), linkedAt: 1 });

    it("restores at start every account but a disabled owner's", async () => {
      await put(alice, "alice@example.org", "a-pass");
      await put(bob, "bob@example.org", "b-pass");
      await service({ disabled: async (owner) => owner.id === "bob" }).restore();
      assert.deepEqual(created.map((adapter) => adapter.account), ["u.alice"]);
      assert.equal(registry.get("xmpp", "u.bob"), undefined);
    });

    it("logs the owner's account out, keeping its credentials and contacts, and logs it in again on resume", async () => {
      const links = service();
      await links.link(alice, "xmpp", REQUEST);
      const juliet = parseAddress("xmpp://u.alice/juliet@example.org");
      await store.contacts.put({ owner: alice, address: juliet, name: "Juliet", subscription: "both", pendingOut: false, pendingIn: false });
      const running = created[0];
      await links.suspend(alice);
      assert.equal(registry.get("xmpp", "u.alice"), undefined);
      assert.ok((running?.stopped ?? 0) > 0, "logged out");
      assert.equal((await store.linkedAccounts.get(alice, "xmpp"))?.login, REQUEST.login);
      assert.equal((await store.contacts.list(alice)).length, 1);
      await links.suspend(bob);

      await links.resume(alice);
      const back = registry.get("xmpp", "u.alice");
      assert.ok(back !== undefined && back !== running);
      assert.equal(created[1]?.spec.password, REQUEST.password);
      assert.equal(created[1]?.started, 1, "started at once, supervised");
      await links.resume(alice);
      assert.equal(created.length, 2, "a running account is not brought back twice");
    });
  });
});
