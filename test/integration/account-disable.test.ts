/**
 * Disabling an account through the native protocol, against the real daemon (admin.user.disable, admin.user.enable):
 * every session of the user closes with 4001 `account disabled`, the right password is refused with
 * GW_ERR_ACCOUNT_DISABLED (a wrong one still with GW_ERR_AUTH_FAILED), contacts see them go offline, messages to them
 * wait and reach them once the account is enabled again, and only admins may do it, never to an admin's account.
 */
import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD, useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

const ADMIN = "lockadmin";
const TIMEOUT = 10_000;

describe("disabling an account", function () {
  this.timeout(30_000);
  const gateway = useGateway(`admins: ["native:${ADMIN}", "native:otherlockadmin"]\nnative:\n  port: 0\n`);
  let admin: NativeClient;

  before(async function () {
    admin = await gateway.user(ADMIN);
  });

  /** The answer to a login of `name` on a new connection, closed after. */
  async function loginAnswer(name: string, password = PASSWORD): Promise<Record<string, unknown>> {
    const client = await NativeClient.connect(gateway.daemon().url);
    try {
      await client.ok({ type: "hello", version: 1 });
      return await client.request({ type: "login", user: name, password });
    } finally {
      await client.close();
    }
  }

  it("closes every session of the user with 4001 `account disabled` and refuses their login until enabled again", async function () {
    const name = uniqueUser("locked");
    const first = await gateway.user(name);
    const second = await gateway.user(name, { register: false });
    await admin.ok({ type: "admin.user.disable", name: name.toUpperCase(), reason: "spam in the lobby" }, TIMEOUT);
    assert.equal(await first.closed(), 4001);
    assert.equal(first.closeReason, "account disabled");
    assert.equal(await second.closed(), 4001);

    const refused = await loginAnswer(name);
    assert.equal(refused["code"], "GW_ERR_ACCOUNT_DISABLED");
    assert.doesNotMatch(String(refused["message"]), /spam/, "the operators' reason is theirs");
    assert.equal((await loginAnswer(name, "not the password"))["code"], "GW_ERR_AUTH_FAILED", "a guesser learns nothing");
    // Disabled twice: no error, still disabled.
    await admin.ok({ type: "admin.user.disable", name }, TIMEOUT);

    await admin.ok({ type: "admin.user.enable", name }, TIMEOUT);
    assert.equal((await loginAnswer(name))["user"], name);
    await admin.ok({ type: "admin.user.enable", name }, TIMEOUT);
  });

  it("shows them offline to their contacts; messages to them wait, with no word to the sender, and reach them once enabled", async function () {
    const name = uniqueUser("held");
    const bobName = uniqueUser("bob");
    const held = await gateway.user(name);
    const bob = await gateway.user(bobName);
    for (const [asker, askerName, asked, askedName] of [[held, name, bob, bobName], [bob, bobName, held, name]] as const) {
      await asker.ok({ type: "presence.subscribe", address: `native:${askedName}` });
      await asked.waitForType("subscription", (frame) => frame["from"] === `native:${askerName}` && frame["action"] === "request", TIMEOUT);
      await asked.ok({ type: "presence.approve", address: `native:${askerName}` });
      await asker.waitForType("subscription", (frame) => frame["from"] === `native:${askedName}` && frame["action"] === "approve", TIMEOUT);
    }
    await admin.ok({ type: "admin.user.disable", name }, TIMEOUT);
    await bob.waitForType("presence", (frame) => frame["from"] === `native:${name}` && frame["show"] === "offline", TIMEOUT);
    const sent = await bob.ok({ type: "message.send", to: `native:${name}`, body: "still there?" });
    // Kept, not reported: the contact stays in bob's list, subscribed both ways.
    const entry = ((await bob.ok({ type: "contact.list" }))["contacts"] as Array<Record<string, unknown>>).find((contact) => contact["address"] === `native:${name}`);
    assert.equal(entry?.["subscription"], "both");

    await admin.ok({ type: "admin.user.enable", name }, TIMEOUT);
    const back = await gateway.user(name, { register: false });
    const message = (await back.waitForType("message", () => true, TIMEOUT))["message"] as Record<string, unknown>;
    assert.equal(message["id"], sent["message_id"]);
    await bob.waitForType("presence", (frame) => frame["from"] === `native:${name}` && frame["show"] === "online", TIMEOUT);
    assert.deepEqual(bob.pending("message.failed"), [], "bob was told nothing");
  });

  it("lets only admins disable and enable, never an admin's account nor their own, and says when there is no such user", async function () {
    const name = uniqueUser("target");
    const target = await gateway.user(name);
    const mallory = await gateway.user(uniqueUser("mallory"));
    assert.equal((await mallory.request({ type: "admin.user.disable", name }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await mallory.request({ type: "admin.user.enable", name }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await admin.request({ type: "admin.user.disable", name: ADMIN }))["code"], "GW_ERR_BAD_FRAME");
    await gateway.user("otherlockadmin");
    assert.equal((await admin.request({ type: "admin.user.disable", name: "otherlockadmin" }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await admin.request({ type: "admin.user.disable", name, reason: "x".repeat(201) }))["code"], "GW_ERR_BAD_FRAME");
    assert.equal((await admin.request({ type: "admin.user.disable", name: uniqueUser("nobody") }))["code"], "GW_ERR_NOT_FOUND");
    assert.equal((await admin.request({ type: "admin.user.enable", name: uniqueUser("nobody") }))["code"], "GW_ERR_NOT_FOUND");
    assert.ok(target.isOpen, "nothing refused touched the target");
    assert.ok(mallory.isOpen);
    assert.equal((await loginAnswer("otherlockadmin"))["user"], "otherlockadmin");
  });
});
