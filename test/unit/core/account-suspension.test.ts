/**
 * core/account-suspension.ts and its rules: a disabled account is marked in the store before anything lets go of the
 * person (so no login passes meanwhile), every adapter lets go of them (personDisabled where it has one, personDeleted
 * otherwise, their own network last), their linked accounts log out; enabling lets puppets and linked accounts back.
 * An admin's account is never disabled, and a reason is one short line. Also the store's mark and login's refusal.
 */
import assert from "node:assert/strict";
import { ACCOUNT_DISABLED_REASON, AccountSuspensions, disableRefusal } from "../../../src/core/account-suspension.js";
import { createAccount, checkPassword, refuseDisabled } from "../../../src/core/accounts.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { createLogger } from "../../../src/core/logger.js";
import { disabledReasonProblem } from "../../../src/core/model/account-rules.js";
import { addressKey, parseAddress, type Address } from "../../../src/core/model/address.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { listed } from "../../../src/cli/user-commands.js";
import { reasonOption } from "../../../src/cli/user-suspension.js";

const PASSWORD = "correct horse";
const mallory = parseAddress("native:mallory");
const admin = parseAddress("native:root");

/** An adapter that records what it was told, as "<protocol>/<account> <hook> <person>". */
function recordingAdapter(protocol: "native" | "irc" | "xmpp", account: string, told: string[], hooks: { disabled?: boolean; deleted?: boolean; registered?: boolean }): Adapter {
  const adapter: Partial<Adapter> & Record<string, unknown> = { protocol, account, capabilities: {} as Adapter["capabilities"] };
  const say = (hook: string, person: Address, reason?: string) => told.push(`${protocol}/${account} ${hook} ${addressKey(person)}${reason === undefined ? "" : ` ${reason}`}`);
  if (hooks.disabled) adapter.personDisabled = async (person: Address, reason: string) => void say("disabled", person, reason);
  if (hooks.deleted) adapter.personDeleted = async (person: Address, reason: string) => void say("deleted", person, reason);
  if (hooks.registered) adapter.personRegistered = (person: Address) => void say("registered", person);
  return adapter as Adapter;
}

describe("disabling accounts (core/account-suspension.ts)", () => {
  let store: Store;
  let registry: AdapterRegistry;
  let told: string[];
  let suspensions: AccountSuspensions;

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await createAccount(store.accounts, { name: "mallory", password: PASSWORD }, () => 1);
    told = [];
    registry = new AdapterRegistry();
    registry.register(recordingAdapter("native", "default", told, { disabled: true, deleted: true }));
    registry.register(recordingAdapter("irc", "libera", told, { deleted: true, registered: true }));
    registry.register(recordingAdapter("xmpp", "default", told, {}));
    suspensions = new AccountSuspensions({
      accounts: {
        get: (name) => store.accounts.get(name),
        setDisabled: async (name, suspension) => {
          told.push(`store ${name} ${suspension === undefined ? "enabled" : "disabled"}`);
          return store.accounts.setDisabled(name, suspension);
        },
      },
      registry,
      isAdmin: (address) => addressKey(address) === addressKey(admin),
      linkedAccounts: {
        suspend: async (owner) => void told.push(`linked suspend ${addressKey(owner)}`),
        resume: async (owner) => void told.push(`linked resume ${addressKey(owner)}`),
      },
      log: createLogger("silent"),
      now: () => 1000,
    });
  });
  afterEach(async () => {
    await store.close();
  });

  it("marks the store first, then lets every adapter go of them (personDisabled, else personDeleted; their own network last), then logs out their linked accounts", async () => {
    await suspensions.disable("mallory", admin, "spam");
    assert.deepEqual(told, [
      "store mallory disabled",
      `irc/libera deleted native:mallory ${ACCOUNT_DISABLED_REASON}`,
      `native/default disabled native:mallory ${ACCOUNT_DISABLED_REASON}`,
      "linked suspend native:mallory",
    ]);
    assert.deepEqual((await store.accounts.get("mallory"))?.disabled, { at: 1000, reason: "spam" });
  });

  it("enables again: the mark goes, puppets may connect, linked accounts log in; an account not disabled is left alone", async () => {
    await suspensions.disable("mallory", admin);
    told.length = 0;
    await suspensions.enable("mallory", admin);
    assert.deepEqual(told, ["store mallory enabled", "irc/libera registered native:mallory", "linked resume native:mallory"]);
    assert.equal((await store.accounts.get("mallory"))?.disabled, undefined);
    told.length = 0;
    await suspensions.enable("mallory", admin);
    assert.deepEqual(told, []);
  });

  it("refuses an admin's account and a bad reason before touching anything, and says when there is no such user", async () => {
    await assert.rejects(suspensions.disable("root", admin), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(suspensions.disable("mallory", admin, "line\nbreak"), { code: "GW_ERR_BAD_FRAME" });
    assert.deepEqual(told, []);
    await assert.rejects(suspensions.disable("nobody", admin), { code: "GW_ERR_NOT_FOUND", message: "no user nobody" });
    await assert.rejects(suspensions.enable("nobody", admin), { code: "GW_ERR_NOT_FOUND" });
    assert.deepEqual(told, ["store nobody disabled"]);
  });

  it("has pure rules: an admin never, a reason of one line up to 200 characters", () => {
    assert.equal(disableRefusal(mallory, "", () => false), undefined);
    assert.equal(disableRefusal(mallory, "", () => true)?.code, "GW_ERR_FORBIDDEN");
    assert.equal(disabledReasonProblem("é".repeat(200)), undefined);
    assert.match(disabledReasonProblem("x".repeat(201)) ?? "", /at most 200/);
    for (const bad of ["a\tb", "a\u0000", "a\u007f", "a\u0085"]) assert.match(disabledReasonProblem(bad) ?? "", /one line/, JSON.stringify(bad));
  });
});

describe("a disabled account in the store and at login", () => {
  let store: Store;
  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await createAccount(store.accounts, { name: "mallory", password: PASSWORD }, () => 1);
  });
  afterEach(async () => {
    await store.close();
  });

  it("keeps the first time and reason when disabled again, forgets both when enabled; false for no such account", async () => {
    assert.equal(await store.accounts.setDisabled("mallory", { at: 5, reason: "first" }), true);
    assert.equal(await store.accounts.setDisabled("mallory", { at: 9, reason: "second" }), true);
    assert.deepEqual((await store.accounts.list())[0]?.disabled, { at: 5, reason: "first" });
    assert.equal(await store.accounts.count(), 1, "still counted");
    assert.equal(await store.accounts.setDisabled("mallory", undefined), true);
    assert.equal((await store.accounts.get("mallory"))?.disabled, undefined);
    assert.equal(await store.accounts.setDisabled("nobody", { at: 1, reason: "" }), false);
    await store.accountRemovals.begin("mallory", 10);
    assert.equal(await store.accounts.setDisabled("mallory", { at: 11, reason: "" }), false, "an account being deleted is no more");
  });

  it("refuses a disabled account once its password passed, never telling the operators' reason", async () => {
    await store.accounts.setDisabled("mallory", { at: 5, reason: "compromised" });
    assert.equal(await checkPassword(store.accounts, "mallory", "wrong password"), undefined);
    const account = await checkPassword(store.accounts, "mallory", PASSWORD);
    assert.ok(account !== undefined);
    assert.throws(() => refuseDisabled(account), (error: Error & { code?: string }) => error.code === "GW_ERR_ACCOUNT_DISABLED" && !error.message.includes("compromised"));
    await store.accounts.setDisabled("mallory", undefined);
    const enabled = await checkPassword(store.accounts, "mallory", PASSWORD);
    assert.ok(enabled !== undefined);
    refuseDisabled(enabled);
  });

  it("lists a disabled account with when and why after its name (switchboard user list), and reads --reason", () => {
    assert.equal(listed({ name: "alice", passwordHash: "", displayName: "alice", createdAt: 1 }), "alice");
    assert.equal(listed({ name: "mallory", passwordHash: "", displayName: "m", createdAt: 1, disabled: { at: 0, reason: "spam" } }), "mallory\tdisabled\t1970-01-01T00:00:00.000Z\tspam");
    assert.deepEqual(reasonOption(["bob", "--reason", "spam in #lobby", "--config", "f.yaml"]), { reason: "spam in #lobby", rest: ["bob", "--config", "f.yaml"] });
    assert.deepEqual(reasonOption(["--reason=why", "bob"]), { reason: "why", rest: ["bob"] });
    assert.throws(() => reasonOption(["bob", "--reason"]), /needs a TEXT/);
  });
});
