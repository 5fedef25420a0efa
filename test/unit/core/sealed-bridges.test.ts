import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CredentialBox } from "../../../src/core/credential-box.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress } from "../../../src/core/model/address.js";
import { sealClearBridgeKeys, sealedBridgeStore } from "../../../src/core/sealed-bridges.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { BridgeRecord, Store } from "../../../src/store/store.js";

const admin = parseAddress("native:root");
const bridge = (remote: string, key: string): BridgeRecord => ({ remote: parseAddress(remote), room: "dev", nick: "", key, membership: true, createdBy: admin, createdAt: 1 });

describe("runtime bridges' keys at rest", () => {
  let store: Store;
  const box = new CredentialBox(randomBytes(32));
  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("seals a channel's key or a MUC's password with the credential key, and opens it when the bridges are read", async () => {
    const sealed = sealedBridgeStore(store.bridges, box, createLogger("silent"));
    await sealed.add(bridge("irc://libera/%23secret", "hunter2"));
    await sealed.add(bridge("irc://libera/%23open", ""));
    const raw = await store.bridges.list();
    assert.ok(raw.every((record) => !record.key.includes("hunter2")), "not in clear in the database");
    assert.ok((raw[0]?.key ?? "").startsWith("\u0001sealed:"), "marked sealed with a character no key holds");
    assert.deepEqual((await sealed.list()).map((record) => record.key), ["hunter2", ""]);
  });

  it("reads a key written in clear as it is, and a key that does not open (another credential key) as none", async () => {
    await store.bridges.add(bridge("irc://libera/%23old", "clear"));
    await sealedBridgeStore(store.bridges, box, createLogger("silent")).add(bridge("irc://libera/%23new", "hunter2"));
    const other = sealedBridgeStore(store.bridges, new CredentialBox(randomBytes(32)), createLogger("silent"));
    assert.deepEqual((await other.list()).map((record) => record.key), ["clear", ""]);
    const none = sealedBridgeStore(store.bridges, undefined, createLogger("silent"));
    assert.deepEqual((await none.list()).map((record) => record.key), ["clear", ""]);
  });

  it("reads a key in clear that happens to begin like a sealed one as it is", async () => {
    await store.bridges.add(bridge("irc://libera/%23odd", "sealed:hunter2"));
    assert.equal((await sealedBridgeStore(store.bridges, box, createLogger("silent")).list())[0]?.key, "sealed:hunter2");
  });

  it("seals at start every key kept in clear before a credential key was set, once, and reads each back as it was", async () => {
    await store.bridges.add(bridge("irc://libera/%23old", "hunter2"));
    await store.bridges.add(bridge("irc://libera/%23open", ""));
    await sealedBridgeStore(store.bridges, box, createLogger("silent")).add(bridge("irc://libera/%23new", "s3same"));
    const before = (await store.bridges.list())[2]?.key;
    assert.equal(await sealClearBridgeKeys(store.bridges, box, createLogger("silent")), 1);
    const raw = await store.bridges.list();
    assert.deepEqual(raw.map((record) => record.remote.id), ["#old", "#open", "#new"], "each bridge keeps its place");
    assert.ok((raw[0]?.key ?? "").startsWith("\u0001sealed:") && !(raw[0]?.key ?? "").includes("hunter2"), "the clear key is sealed");
    assert.deepEqual([raw[1]?.key, raw[2]?.key], ["", before], "no key stays none, a sealed one is left as it was");
    assert.deepEqual((await sealedBridgeStore(store.bridges, box, createLogger("silent")).list()).map((record) => record.key), ["hunter2", "", "s3same"]);
    assert.equal(await sealClearBridgeKeys(store.bridges, box, createLogger("silent")), 0, "nothing left to seal");
  });

  it("keeps keys in clear when no credential key is set", async () => {
    await sealedBridgeStore(store.bridges, undefined, createLogger("silent")).add(bridge("irc://libera/%23k", "plain"));
    assert.equal((await store.bridges.list())[0]?.key, "plain");
  });
});
