/**
 * account.password against the real daemon: the old password is checked (a wrong one counts as a failed login of the
 * user), the new one logs in from then on and the old one no more, and every other session of the user is closed
 * (4001, "password changed") while the session that changed it, and other users' sessions, go on.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { NativeClient } from "../helpers/native-client.js";

const OLD = "the old password";
const NEW = "the new password";

describe("account.password (a user changes their password)", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];

  before(async function () {
    // The tests connect directly (127.0.0.1) and, through the "proxy" 127.0.0.1, from another address when they need one.
    daemon = Daemon.create('native:\n  port: 0\n  trusted_proxies: ["127.0.0.1", "::1"]\n  login_attempts:\n    max: 2\n    window_seconds: 600\n');
    await daemon.start();
  });
  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await daemon.dispose();
  });

  async function session(user: string, password: string, register = false): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, user, password, { register });
    clients.push(client);
    return client;
  }

  async function loginAnswer(user: string, password: string, from?: string): Promise<unknown> {
    const client = await NativeClient.connect(daemon.url, from === undefined ? {} : { headers: { "X-Forwarded-For": from } });
    clients.push(client);
    await client.ok({ type: "hello", version: 1 });
    const answer = await client.request({ type: "login", user, password });
    return answer["type"] === "ok" ? "ok" : answer["code"];
  }

  function closing(client: NativeClient): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => client.socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  it("changes the password: the new one logs in and the old one no more", async function () {
    const user = uniqueUser("changer");
    const alice = await session(user, OLD, true);
    assert.deepEqual(await alice.request({ type: "account.password", id: "p1", old_password: OLD, new_password: NEW }), { type: "ok", id: "p1" });
    assert.equal(await loginAnswer(user, NEW), "ok");
    assert.equal(await loginAnswer(user, OLD), "GW_ERR_AUTH_FAILED");
  });

  it("closes the user's other sessions with 4001 \"password changed\"; the session that changed it and other users' stay", async function () {
    const user = uniqueUser("stolen");
    const mine = await session(user, OLD, true);
    const stolen = await session(user, OLD);
    const stolenToo = await session(user, OLD);
    const someoneElse = await session(uniqueUser("bystander"), OLD, true);
    const closed = [closing(stolen), closing(stolenToo)];
    await mine.ok({ type: "account.password", old_password: OLD, new_password: NEW });
    assert.deepEqual(await Promise.all(closed), [
      { code: 4001, reason: "password changed" },
      { code: 4001, reason: "password changed" },
    ]);
    assert.equal((await mine.request({ type: "contact.list" }))["type"], "ok");
    assert.equal((await someoneElse.request({ type: "contact.list" }))["type"], "ok");
  });

  it("refuses a wrong old password with GW_ERR_AUTH_FAILED, changing nothing, and counts it as a failed login of the user", async function () {
    const user = uniqueUser("guessed");
    const open = await session(user, OLD, true);
    const other = await session(user, OLD);
    for (const guess of ["guess number one", "guess number two"]) {
      assert.equal((await open.request({ type: "account.password", old_password: guess, new_password: NEW }))["code"], "GW_ERR_AUTH_FAILED");
    }
    // login_attempts.max is 2: the user's password is no longer tried from this address, right or not, by either frame.
    assert.equal((await open.request({ type: "account.password", old_password: OLD, new_password: NEW }))["code"], "GW_ERR_RATE_LIMITED");
    assert.equal(await loginAnswer(user, OLD), "GW_ERR_RATE_LIMITED");
    // Nothing changed: no session was closed, and the old password is still the password (from another address).
    assert.equal((await other.request({ type: "contact.list" }))["type"], "ok");
    assert.equal(await loginAnswer(user, OLD, "198.51.100.20"), "ok");
  });

  it("refuses a new password the rules refuse, and the frame before login", async function () {
    const user = uniqueUser("rules");
    const client = await session(user, OLD, true);
    const short = await client.request({ type: "account.password", old_password: OLD, new_password: "short" });
    assert.equal(short["code"], "GW_ERR_BAD_FRAME");
    assert.equal(await loginAnswer(user, OLD), "ok");
    const anonymous = await NativeClient.connect(daemon.url);
    clients.push(anonymous);
    await anonymous.ok({ type: "hello", version: 1 });
    assert.equal((await anonymous.request({ type: "account.password", old_password: OLD, new_password: NEW }))["code"], "GW_ERR_NOT_AUTHENTICATED");
  });
});
