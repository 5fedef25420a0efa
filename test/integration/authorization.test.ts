import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { NativeClient } from "../helpers/native-client.js";

const PASSWORD = "correct horse battery";

describe("sessions and authorization", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];

  before(async function () {
    daemon = Daemon.create("native:\n  port: 0\n  login_attempts:\n    max: 3\n    window_seconds: 600\n");
    await daemon.start();
  });
  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await daemon.dispose();
  });

  async function connect(): Promise<NativeClient> {
    const client = await NativeClient.connect(daemon.url);
    clients.push(client);
    return client;
  }

  it("requires the version handshake first, and refuses an unknown version", async function () {
    const client = await connect();
    assert.equal((await client.request({ type: "login", user: "someone", password: PASSWORD }))["code"], "GW_ERR_VERSION");
    assert.equal((await client.request({ type: "hello", version: 99 }))["code"], "GW_ERR_VERSION");
    const welcome = await client.ok({ type: "hello", version: 1 });
    assert.equal(welcome["version"], 1);
  });

  it("requires a session for everything but handshake, register and login", async function () {
    const client = await connect();
    await client.ok({ type: "hello", version: 1 });
    for (const frame of [{ type: "contact.list" }, { type: "message.send", to: "native:x", body: "hi" }, { type: "room.list" }]) {
      assert.equal((await client.request(frame))["code"], "GW_ERR_NOT_AUTHENTICATED", frame.type);
    }
  });

  it("never lets a session send as another user: a from field is refused", async function () {
    const alice = uniqueUser("alice");
    const bob = uniqueUser("bob");
    const client = await NativeClient.session(daemon.url, alice, PASSWORD, { register: true });
    clients.push(client);
    const bobClient = await NativeClient.session(daemon.url, bob, PASSWORD, { register: true });
    clients.push(bobClient);
    const forged = await client.request({ type: "message.send", from: `native:${bob}`, to: `native:${bob}`, body: "I am bob" });
    assert.equal(forged["code"], "GW_ERR_BAD_FRAME");
    await client.ok({ type: "message.send", to: `native:${bob}`, body: "signed" });
    const received = await bobClient.waitForType("message");
    assert.equal((received["message"] as Record<string, unknown>)["from"], `native:${alice}`);
    assert.equal(bobClient.pending("message").length, 0, "the forged message never arrived");
  });

  it("never lets a session read or change another user's buddy list", async function () {
    const owner = uniqueUser("owner");
    const snoop = uniqueUser("snoop");
    const ownerClient = await NativeClient.session(daemon.url, owner, PASSWORD, { register: true });
    clients.push(ownerClient);
    await ownerClient.ok({ type: "contact.add", address: "xmpp:secret@example.org", name: "Secret friend" });
    const snoopClient = await NativeClient.session(daemon.url, snoop, PASSWORD, { register: true });
    clients.push(snoopClient);
    assert.equal((await snoopClient.request({ type: "contact.list", owner: `native:${owner}` }))["code"], "GW_ERR_BAD_FRAME");
    const own = await snoopClient.ok({ type: "contact.list" });
    assert.deepEqual(own["contacts"], []);
    assert.equal((await snoopClient.request({ type: "contact.remove", address: "xmpp:secret@example.org" }))["code"], "GW_ERR_NOT_FOUND");
    const ownerList = await ownerClient.ok({ type: "contact.list" });
    assert.deepEqual((ownerList["contacts"] as Record<string, unknown>[]).map((contact) => contact["name"]), ["Secret friend"]);
  });

  it("answers a wrong password and an unknown user identically, and rate-limits failed logins", async function () {
    const name = uniqueUser("victim");
    const registrar = await connect();
    await registrar.ok({ type: "hello", version: 1 });
    await registrar.ok({ type: "register", user: name, password: PASSWORD });
    const client = await connect();
    await client.ok({ type: "hello", version: 1 });
    const wrong = await client.request({ type: "login", user: name, password: "wrong password" });
    const unknown = await client.request({ type: "login", user: uniqueUser("nobody"), password: "wrong password" });
    assert.equal(wrong["code"], "GW_ERR_AUTH_FAILED");
    assert.deepEqual({ ...wrong, id: undefined }, { ...unknown, id: undefined });
    await client.request({ type: "login", user: name, password: "wrong again" });
    // Three failures from this address: even the right password is refused now.
    const limited = await client.request({ type: "login", user: name, password: PASSWORD });
    assert.equal(limited["code"], "GW_ERR_RATE_LIMITED");
  });

  it("refuses to register a name twice", async function () {
    const name = uniqueUser("taken");
    const client = await connect();
    await client.ok({ type: "hello", version: 1 });
    await client.ok({ type: "register", user: name, password: PASSWORD });
    assert.equal((await client.request({ type: "register", user: name.toUpperCase(), password: PASSWORD }))["code"], "GW_ERR_USER_EXISTS");
  });
});
