/**
 * The message of the day against the real daemon: admin.motd.set shows it at once to every session online (with
 * "motd": true) and keeps it; each later login is shown it once, right after its ok and before the messages that
 * waited; a restart keeps it; admin.motd.get tells it; admin.motd.clear stops it; anyone not an admin is refused with
 * GW_ERR_FORBIDDEN and changes nothing; a text admin.announce refuses is refused.
 */
import assert from "node:assert/strict";
import { PASSWORD, useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const ADMIN = "motdadmin";
const TIMEOUT = 10_000;
const SUBJECT = "Welcome";
const BODY = "Be kind in #lobby.\n\tMaintenance every Sunday at 06:00 UTC.";

describe("message of the day", function () {
  this.timeout(60_000);
  const gateway = useGateway(`admins: ["native:${ADMIN}"]\nnative:\n  port: 0\n`);

  /** The announcements a connection was pushed so far: a ping's answer comes after any push made before it. */
  async function announcementsOf(client: NativeClient): Promise<Frame[]> {
    await client.ok({ type: "ping" });
    return client.transcript.filter((frame) => frame.type === "announcement");
  }

  /** Logs `name` in on a new connection, closed at the end of the test by `opened`. */
  const opened: NativeClient[] = [];
  async function login(name: string): Promise<NativeClient> {
    const client = await NativeClient.session(gateway.daemon().url, name, PASSWORD);
    opened.push(client);
    return client;
  }
  afterEach(async function () {
    await Promise.all(opened.splice(0).map((client) => client.close()));
  });

  /** What a login's connection was pushed, from the login's ok on: the frame types, the motd shown as "motd". */
  function afterLogin(client: NativeClient): string[] {
    const ok = client.transcript.findIndex((frame) => frame.type === "ok" && typeof frame["session"] === "string");
    assert.ok(ok >= 0, "logged in");
    return client.transcript.slice(ok).map((frame) => (frame.type === "announcement" && frame["motd"] === true ? "motd" : frame.type));
  }

  /** The announcements a login of `name` is shown, on a connection closed then. */
  async function shownAtLogin(name: string): Promise<Frame[]> {
    const client = await NativeClient.session(gateway.daemon().url, name, PASSWORD);
    try {
      return await announcementsOf(client);
    } finally {
      await client.close();
    }
  }

  function withoutTimestamp(frame: Frame): Frame {
    const { timestamp, ...rest } = frame;
    assert.equal(typeof timestamp, "number");
    return rest as Frame;
  }

  it("is shown to the sessions online when set, to each login once after its ok, across a restart, until cleared", async function () {
    const admin = await gateway.user(ADMIN);
    const bob = await gateway.user("bob");
    const carol = await gateway.user("carol");
    await carol.ok({ type: "logout" });

    // Before any is set, a login is shown none.
    assert.deepEqual(await shownAtLogin("carol"), []);
    assert.equal((await admin.ok({ type: "admin.motd.get" }))["motd"], undefined);

    // Refused to anyone but an admin, and nothing changes.
    for (const frame of [{ type: "admin.motd.set", body: "free pizza" }, { type: "admin.motd.get" }, { type: "admin.motd.clear" }]) {
      assert.equal((await bob.request(frame))["code"], "GW_ERR_FORBIDDEN", frame.type);
    }
    assert.deepEqual(await shownAtLogin("carol"), [], "bob set nothing");

    const before = Date.now();
    const answer = await admin.ok({ type: "admin.motd.set", subject: SUBJECT, body: BODY }, TIMEOUT);
    assert.deepEqual({ users: answer["users"], sessions: answer["sessions"] }, { users: 2, sessions: 2 });
    const motd = { type: "announcement", from: `native:${ADMIN}`, subject: SUBJECT, body: BODY, motd: true };
    for (const [who, client] of [["admin", admin], ["bob", bob]] as const) {
      const shown = await announcementsOf(client);
      assert.deepEqual(shown.map(withoutTimestamp), [motd], who);
      const timestamp = shown[0]?.["timestamp"] as number;
      assert.ok(timestamp >= before && timestamp <= Date.now(), `${who}: timestamp`);
    }
    const kept = (await admin.ok({ type: "admin.motd.get" }))["motd"] as Frame;
    assert.deepEqual(withoutTimestamp(kept), { from: `native:${ADMIN}`, subject: SUBJECT, body: BODY } as unknown as Frame);

    // A login is shown it once, right after its ok and before a message that waited for it.
    await bob.ok({ type: "message.send", to: "native:carol", body: "are you there?" });
    const carolAgain = await login("carol");
    await carolAgain.waitForType("message");
    await carolAgain.ok({ type: "ping" });
    assert.deepEqual(afterLogin(carolAgain).filter((type) => type !== "presence"), ["ok", "motd", "message", "pong"]);
    assert.deepEqual((await announcementsOf(carolAgain)).map(withoutTimestamp), [motd]);
    assert.equal((await announcementsOf(carolAgain))[0]?.["timestamp"], kept["timestamp"], "the time it was set");

    // Kept across a restart.
    await gateway.daemon().restart();
    assert.deepEqual((await shownAtLogin("bob")).map(withoutTimestamp), [motd]);
    const adminAgain = await login(ADMIN);
    assert.deepEqual(withoutTimestamp((await adminAgain.ok({ type: "admin.motd.get" }))["motd"] as Frame), { from: `native:${ADMIN}`, subject: SUBJECT, body: BODY } as unknown as Frame);

    // Cleared: later logins, also after a restart, are shown nothing.
    assert.equal((await adminAgain.ok({ type: "admin.motd.clear" }))["cleared"], true);
    assert.equal((await adminAgain.ok({ type: "admin.motd.clear" }))["cleared"], false);
    assert.equal((await adminAgain.ok({ type: "admin.motd.get" }))["motd"], undefined);
    assert.deepEqual(await shownAtLogin("carol"), []);
    await gateway.daemon().restart();
    assert.deepEqual(await shownAtLogin("carol"), []);
  });

  it("leaves out a subject not given, and refuses the texts admin.announce refuses", async function () {
    const admin = await login(ADMIN);
    await admin.ok({ type: "admin.motd.set", body: "hello all" });
    const dave = await NativeClient.session(gateway.daemon().url, "dave", PASSWORD, { register: true });
    opened.push(dave);
    assert.deepEqual((await announcementsOf(dave)).map(withoutTimestamp), [{ type: "announcement", from: `native:${ADMIN}`, body: "hello all", motd: true }]);
    for (const frame of [{ body: "" }, { body: "  \n " }, { body: "x".repeat(4001) }, { body: "bell\u0007" }, { body: "carriage\r\nreturn" }, { body: "fine", subject: "two\nlines" }]) {
      assert.equal((await admin.request({ type: "admin.motd.set", ...frame }))["code"], "GW_ERR_BAD_FRAME", JSON.stringify(frame));
    }
    assert.equal(((await admin.ok({ type: "admin.motd.get" }))["motd"] as Frame)["body"], "hello all", "unchanged");
    await admin.ok({ type: "admin.motd.clear" });
  });
});
