import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { NativeClient } from "../helpers/native-client.js";

const PASSWORD = "correct horse battery";

describe("sessions and authorization", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];

  before(async function () {
    daemon = Daemon.create("native:\n  port: 0\n  login_attempts:\n    max: 3\n    window_seconds: 600\n  allowed_origins: [https://chat.example.org, chrome-extension://abcdef]\n");
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

  it("refuses a web page whose origin is not allowed, so that a page the user visits cannot use their gateway", async function () {
    await assert.rejects(NativeClient.connect(daemon.url, { headers: { Origin: "https://evil.example" } }), /Unexpected server response: 403/);
    await assert.rejects(NativeClient.connect(daemon.url, { headers: { Origin: "null" } }), /Unexpected server response: 403/);
    await daemon.waitForLog(/"origin":"https:\/\/evil.example"[^\n]*not in native.allowed_origins: refused/);
    // The listed page (its default port written out, as some browsers do not), and clients that send no Origin.
    for (const headers of [{ Origin: "https://chat.example.org" }, { Origin: "https://CHAT.example.org:443" }, { Origin: "chrome-extension://abcdef" }, undefined]) {
      const client = await NativeClient.connect(daemon.url, headers === undefined ? {} : { headers });
      clients.push(client);
      assert.equal((await client.ok({ type: "hello", version: 1 }))["version"], 1, JSON.stringify(headers));
    }
  });

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
    await client.request({ type: "login", user: name, password: "and again" });
    // Three failures for this name from this address: even the right password is refused now.
    const limited = await client.request({ type: "login", user: name, password: PASSWORD });
    assert.equal(limited["code"], "GW_ERR_RATE_LIMITED");
  });

  it("limits guesses sent at once on many connections as it limits them one after the other", async function () {
    const name = uniqueUser("burst");
    const registrar = await connect();
    await registrar.ok({ type: "hello", version: 1 });
    await registrar.ok({ type: "register", user: name, password: PASSWORD });
    const guessers = await Promise.all(Array.from({ length: 8 }, async () => {
      const guesser = await connect();
      await guesser.ok({ type: "hello", version: 1 });
      return guesser;
    }));
    // Eight wrong passwords at once, each from its own connection of one address: the password checks overlap.
    const answers = await Promise.all(guessers.map((guesser, n) => guesser.request({ type: "login", user: name, password: `burst guess ${n}` })));
    const codes = answers.map((answer) => answer["code"]);
    assert.equal(codes.filter((code) => code === "GW_ERR_AUTH_FAILED").length, 3, `max 3 guesses checked, the rest limited: ${codes.join(", ")}`);
    assert.equal(codes.filter((code) => code === "GW_ERR_RATE_LIMITED").length, 5, codes.join(", "));
  });

  it("does not let a guesser at one address lock a user out, nor a client choose its address with X-Forwarded-For", async function () {
    const name = uniqueUser("target");
    const registrar = await connect();
    await registrar.ok({ type: "hello", version: 1 });
    await registrar.ok({ type: "register", user: name, password: PASSWORD });
    // This daemon trusts no proxy: the header is the client's own claim and changes nothing.
    const guesser = await NativeClient.connect(daemon.url, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    clients.push(guesser);
    await guesser.ok({ type: "hello", version: 1 });
    for (let i = 0; i < 3; i++) assert.equal((await guesser.request({ type: "login", user: name, password: `wrong guess ${i}` }))["code"], "GW_ERR_AUTH_FAILED");
    assert.equal((await guesser.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_RATE_LIMITED");
    const spoofed = await NativeClient.connect(daemon.url, { headers: { "X-Forwarded-For": "198.51.100.7" } });
    clients.push(spoofed);
    await spoofed.ok({ type: "hello", version: 1 });
    assert.equal((await spoofed.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_RATE_LIMITED", "a new X-Forwarded-For from an untrusted peer is no new address");
    // Other users at the same address are not blocked by one name's failures.
    const other = uniqueUser("other");
    await registrar.ok({ type: "register", user: other, password: PASSWORD });
    await guesser.ok({ type: "login", user: other, password: PASSWORD });
  });

  it("refuses to register a name twice", async function () {
    const name = uniqueUser("taken");
    const client = await connect();
    await client.ok({ type: "hello", version: 1 });
    await client.ok({ type: "register", user: name, password: PASSWORD });
    assert.equal((await client.request({ type: "register", user: name.toUpperCase(), password: PASSWORD }))["code"], "GW_ERR_USER_EXISTS");
  });
});

describe("login limiting behind a trusted reverse proxy", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];

  before(async function () {
    daemon = Daemon.create('native:\n  port: 0\n  trusted_proxies: ["127.0.0.1", "::1"]\n  registrations_per_hour: 2\n  login_attempts:\n    max: 2\n    window_seconds: 600\n');
    await daemon.start();
  });
  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await daemon.dispose();
  });

  async function through(forwardedFor: string): Promise<NativeClient> {
    const client = await NativeClient.connect(daemon.url, { headers: { "X-Forwarded-For": forwardedFor } });
    clients.push(client);
    await client.ok({ type: "hello", version: 1 });
    return client;
  }

  it("lets one address register a few accounts an hour, and any other address its own", async function () {
    const farmer = await through("198.51.100.50");
    for (let i = 0; i < 2; i++) await farmer.ok({ type: "register", user: uniqueUser("farm"), password: PASSWORD });
    const refused = await farmer.request({ type: "register", user: uniqueUser("farm"), password: PASSWORD });
    assert.deepEqual([refused["code"], /registered 2 accounts within the hour/.test(String(refused["message"]))], ["GW_ERR_RATE_LIMITED", true]);
    await (await through("198.51.100.51")).ok({ type: "register", user: uniqueUser("neighbour"), password: PASSWORD });
    // The machine itself (no proxy in between) is not limited: the default gateway's own clients, the tests.
    const local = await NativeClient.connect(daemon.url);
    clients.push(local);
    await local.ok({ type: "hello", version: 1 });
    for (let i = 0; i < 3; i++) await local.ok({ type: "register", user: uniqueUser("local"), password: PASSWORD });
  });

  it("counts each client by the address the proxy gives: a guesser is blocked, the user behind the same proxy is not", async function () {
    const name = uniqueUser("proxied");
    await (await through("198.51.100.7")).ok({ type: "register", user: name, password: PASSWORD });
    const guesser = await through("203.0.113.9");
    for (let i = 0; i < 2; i++) assert.equal((await guesser.request({ type: "login", user: name, password: `wrong guess ${i}` }))["code"], "GW_ERR_AUTH_FAILED");
    assert.equal((await guesser.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_RATE_LIMITED");
    // A client cannot escape by prepending an address of its choice: the proxy appends the real one last.
    const sneaky = await through("192.0.2.1, 203.0.113.9");
    assert.equal((await sneaky.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_RATE_LIMITED");
    const user = await through("198.51.100.7");
    await user.ok({ type: "login", user: name, password: PASSWORD });
  });
});
