/**
 * Deleting an account through the native protocol, against the real daemon: by its user (account.delete, the password
 * asked again and counted as a login) or by an admin (admin.user.delete). Every session of theirs closes (4001), their
 * contacts see them go offline and lose the subscription both ways, room members see them leave, what waited for them
 * is reported failed to its senders, and a new account of the same name starts with nothing of the old one's.
 */
import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD, useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const ADMIN = "opsadmin";
const TIMEOUT = 10_000;

describe("deleting an account", function () {
  this.timeout(30_000);
  const gateway = useGateway(`admins: ["native:${ADMIN}", "native:otheradmin"]\nnative:\n  port: 0\n  login_attempts:\n    max: 2\n    window_seconds: 600\n`);
  let admin: NativeClient;

  before(async function () {
    admin = await gateway.user(ADMIN);
  });

  function session(name: string): Promise<NativeClient> {
    return gateway.user(name, { register: false });
  }

  /** `a` and `b` see each other's presence: both asked, both approved. */
  async function befriend(a: NativeClient, aName: string, b: NativeClient, bName: string): Promise<void> {
    for (const [asker, askerName, asked, askedName] of [[a, aName, b, bName], [b, bName, a, aName]] as const) {
      await asker.ok({ type: "presence.subscribe", address: `native:${askedName}` });
      await asked.waitForType("subscription", (frame) => frame["from"] === `native:${askerName}` && frame["action"] === "request", TIMEOUT);
      await asked.ok({ type: "presence.approve", address: `native:${askerName}` });
      await asker.waitForType("subscription", (frame) => frame["from"] === `native:${askedName}` && frame["action"] === "approve", TIMEOUT);
    }
  }

  function contacts(list: Frame): string[] {
    return (list["contacts"] as Array<Record<string, unknown>>).map((entry) => String(entry["address"]));
  }

  it("refuses a wrong password, counting it as a failed login, and deletes nothing", async function () {
    const name = uniqueUser("wrongpw");
    const client = await gateway.user(name);
    const refused = await client.request({ type: "account.delete", password: "not the password" });
    assert.equal(refused["code"], "GW_ERR_AUTH_FAILED");
    assert.equal((await client.request({ type: "account.delete", password: "still not it" }))["code"], "GW_ERR_AUTH_FAILED");
    // Two failures are the limit (login_attempts.max): a login from the same address is held back now.
    const other = await NativeClient.connect(gateway.daemon().url);
    await other.ok({ type: "hello", version: 1 });
    assert.equal((await other.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_RATE_LIMITED");
    await other.close();
    assert.ok(client.isOpen, "the session goes on");
    assert.deepEqual((await client.ok({ type: "contact.list" }))["contacts"], []);
  });

  it("answers, then closes every session of the user with 4001, and the password no longer logs in", async function () {
    const name = uniqueUser("leaver");
    const first = await gateway.user(name);
    const second = await session(name);
    await first.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);
    assert.equal(await first.closed(), 4001);
    assert.equal(await second.closed(), 4001);
    const again = await NativeClient.connect(gateway.daemon().url);
    await again.ok({ type: "hello", version: 1 });
    assert.equal((await again.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_AUTH_FAILED");
    await again.close();
  });

  it("shows their contacts them going offline and ends the subscription both ways; room members see them leave", async function () {
    const name = uniqueUser("gone");
    const bobName = uniqueUser("bob");
    const leaver = await gateway.user(name);
    const bob = await gateway.user(bobName);
    await befriend(leaver, name, bob, bobName);
    const room = `r${name}`.toLowerCase();
    await bob.ok({ type: "room.create", name: room });
    await leaver.ok({ type: "room.join", room });
    await bob.waitForType("room.member", (frame) => frame["event"] === "joined", TIMEOUT);
    await leaver.ok({ type: "account.delete", password: PASSWORD }, TIMEOUT);

    const from = `native:${name}`;
    await bob.waitForType("presence", (frame) => frame["from"] === from && frame["show"] === "offline", TIMEOUT);
    // As after contact.remove from their side: they no longer see bob (remove), nor let bob see them (deny).
    await bob.waitForType("subscription", (frame) => frame["from"] === from && frame["action"] === "remove", TIMEOUT);
    await bob.waitForType("subscription", (frame) => frame["from"] === from && frame["action"] === "deny", TIMEOUT);
    const left = await bob.waitForType("room.member", (frame) => frame["event"] === "left", TIMEOUT);
    assert.equal((left["member"] as Record<string, unknown>)["address"], from);
    assert.deepEqual(contacts(await bob.ok({ type: "contact.list" })), [], "their entry leaves bob's list");
    const members = (await bob.ok({ type: "room.members", room }))["members"] as Array<Record<string, unknown>>;
    assert.deepEqual(members.map((member) => member["address"]), [`native:${bobName}`]);
  });

  it("reports the messages waiting for them failed to their senders, and refuses new ones", async function () {
    const name = uniqueUser("away");
    const bobName = uniqueUser("bob");
    const away = await gateway.user(name);
    await away.ok({ type: "logout" });
    const bob = await gateway.user(bobName);
    const sent = await bob.ok({ type: "message.send", to: `native:${name}`, body: "are you there?" });
    await admin.ok({ type: "admin.user.delete", name }, TIMEOUT);
    const failed = await bob.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"], TIMEOUT);
    assert.equal(failed["code"], "GW_ERR_UNKNOWN_RECIPIENT");
    assert.equal(failed["to"], `native:${name}`);
    assert.equal((await bob.request({ type: "message.send", to: `native:${name}`, body: "hello?" }))["code"], "GW_ERR_UNKNOWN_RECIPIENT");
  });

  it("gives a new account of the same name nothing of the old one's: contacts, history, rooms owned, waiting messages", async function () {
    const name = uniqueUser("reborn");
    const bobName = uniqueUser("bob");
    const old = await gateway.user(name);
    let bob = await gateway.user(bobName);
    await befriend(old, name, bob, bobName);
    await old.ok({ type: "message.send", to: `native:${bobName}`, body: "a secret between us" });
    await bob.waitForType("message", () => true, TIMEOUT);
    const room = `r${name}`.toLowerCase();
    await old.ok({ type: "room.create", name: room });
    await bob.ok({ type: "room.join", room });
    const said = await old.ok({ type: "room.send", room, body: "words of the old account" });
    await old.ok({ type: "logout" });
    // Waits for the old account: reported failed to bob, who is away at the deletion, and never given to the new one.
    const waiting = await bob.ok({ type: "message.send", to: `native:${name}`, body: "for the old one only" });
    await bob.close();
    await admin.ok({ type: "admin.user.delete", name }, TIMEOUT);
    bob = await session(bobName);
    await bob.waitForType("message.failed", (frame) => frame["message_id"] === waiting["message_id"], TIMEOUT);
    // Their direct messages went with them, from bob's side too (bob's own, reported failed, is his to keep).
    const kept = (await bob.ok({ type: "history", with: `native:${name}` }))["messages"] as Array<Record<string, unknown>>;
    assert.deepEqual(kept.map((message) => message["from"]), [`native:${bobName}`]);

    const reborn = await gateway.user(name);
    assert.deepEqual((await reborn.ok({ type: "contact.list" }))["contacts"], []);
    assert.deepEqual((await reborn.ok({ type: "history", with: `native:${bobName}` }))["messages"], [], "nothing from before the account");
    assert.deepEqual(contacts(await bob.ok({ type: "contact.list" })), [], "bob has to add and ask them again");
    // Bob sees nothing of the new account until it approves a new request.
    await bob.ok({ type: "contact.add", address: `native:${name}` });
    const entry = ((await bob.ok({ type: "contact.list" }))["contacts"] as Array<Record<string, unknown>>)[0];
    assert.equal(entry?.["subscription"], "none");
    // The room stayed, owned by nobody: the new account joins as a member, cannot put bob out, nor correct the old words.
    const joined = await reborn.ok({ type: "room.join", room });
    const me = (joined["members"] as Array<Record<string, unknown>> | undefined)?.find((member) => member["address"] === `native:${name}`);
    assert.equal(me?.["role"], "member");
    assert.equal((await reborn.request({ type: "room.kick", room, member: `native:${bobName}` }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await reborn.request({ type: "room.send", room, body: "my words now", replaces: said["message_id"] }))["code"], "GW_ERR_NOT_FOUND");
    // The first message it gets is one sent to it, not the old account's that waited.
    const fresh = await bob.ok({ type: "message.send", to: `native:${name}`, body: "welcome, stranger" });
    const first = (await reborn.waitForType("message", () => true, TIMEOUT))["message"] as Record<string, unknown>;
    assert.equal(first["id"], fresh["message_id"]);
  });

  it("lets only admins delete other users' accounts, never an admin's, and says when there is no such user", async function () {
    const name = uniqueUser("victim");
    const victim = await gateway.user(name);
    const mallory = await gateway.user(uniqueUser("mallory"));
    assert.equal((await mallory.request({ type: "admin.user.delete", name }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await admin.request({ type: "admin.user.delete", name: ADMIN }))["code"], "GW_ERR_BAD_FRAME");
    await gateway.user("otheradmin");
    assert.equal((await admin.request({ type: "admin.user.delete", name: "otheradmin" }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await admin.request({ type: "account.delete", password: PASSWORD }))["code"], "GW_ERR_FORBIDDEN", "an admin in the file cannot delete itself");
    assert.equal((await admin.request({ type: "admin.user.delete", name: uniqueUser("nobody") }))["code"], "GW_ERR_NOT_FOUND");
    assert.ok(victim.isOpen);
    await admin.ok({ type: "admin.user.delete", name: name.toUpperCase() }, TIMEOUT);
    assert.equal(await victim.closed(), 4001);
    assert.equal((await admin.request({ type: "admin.user.delete", name }))["code"], "GW_ERR_NOT_FOUND", "gone: deleted once");
  });
});
