/**
 * admin.announce against the real daemon: an admin's announcement reaches every session logged in now, each once (the
 * admin's own too), and no connection without a session; the answer counts the users and sessions reached; anyone else
 * is refused with GW_ERR_FORBIDDEN and nobody is shown anything; a text out of the rules is refused.
 */
import assert from "node:assert/strict";
import { PASSWORD, useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const ADMIN = "announcer";
const TIMEOUT = 10_000;

describe("admin.announce", function () {
  this.timeout(30_000);
  const gateway = useGateway(`admins: ["native:${ADMIN}"]\nnative:\n  port: 0\n`);

  /** The announcements a connection was pushed so far: a ping's answer comes after any push made before it. */
  async function announcementsOf(client: NativeClient): Promise<Frame[]> {
    await client.ok({ type: "ping" });
    return client.transcript.filter((frame) => frame.type === "announcement");
  }

  it("shows the admin's announcement once in every session online, and tells how many users and sessions it reached", async function () {
    const admin = await gateway.user(ADMIN);
    const bobLaptop = await gateway.user("bob");
    const bobPhone = await gateway.user("bob", { register: false });
    const carol = await gateway.user("carol");
    // A connection without a session: one that never logged in, and one that logged out.
    const anonymous = await NativeClient.connect(gateway.daemon().url);
    await anonymous.ok({ type: "hello", version: 1 });
    const gone = await gateway.user("dave");
    await gone.ok({ type: "logout" });

    const refused = await carol.request({ type: "admin.announce", body: "free pizza" });
    assert.equal(refused["code"], "GW_ERR_FORBIDDEN");

    const before = Date.now();
    const answer = await admin.ok({ type: "admin.announce", subject: "Maintenance", body: "The gateway restarts at 22:00 UTC.\n\tBack in five minutes." }, TIMEOUT);
    assert.deepEqual({ users: answer["users"], sessions: answer["sessions"] }, { users: 3, sessions: 4 });

    for (const [who, client] of [["admin", admin], ["bob's laptop", bobLaptop], ["bob's phone", bobPhone], ["carol", carol]] as const) {
      const shown = await announcementsOf(client);
      assert.equal(shown.length, 1, `${who} is shown it once: ${JSON.stringify(shown)}`);
      const { timestamp, ...rest } = shown[0] as Frame;
      assert.deepEqual(rest, { type: "announcement", from: `native:${ADMIN}`, subject: "Maintenance", body: "The gateway restarts at 22:00 UTC.\n\tBack in five minutes." }, who);
      assert.ok(typeof timestamp === "number" && timestamp >= before && timestamp <= Date.now(), `${who}: timestamp`);
    }
    assert.deepEqual(await announcementsOf(anonymous), [], "no session, no announcement");
    assert.deepEqual(await announcementsOf(gone), [], "logged out, no announcement");
    await anonymous.close();

    // Not kept: dave, logging in after it, is not shown it.
    const dave = await NativeClient.session(gateway.daemon().url, "dave", PASSWORD);
    assert.deepEqual(await announcementsOf(dave), []);
    await dave.close();
  });

  it("leaves out a subject not given, and refuses a text that is empty, too long or has control characters", async function () {
    const admin = await gateway.user(ADMIN, { register: false });
    const erin = await gateway.user("erin");
    await admin.ok({ type: "admin.announce", body: "hello all" });
    const shown = await announcementsOf(erin);
    assert.deepEqual(
      shown.map(({ timestamp: _timestamp, ...rest }) => rest),
      [{ type: "announcement", from: `native:${ADMIN}`, body: "hello all" }],
    );

    for (const frame of [
      { body: "" },
      { body: "  \n " },
      { body: "x".repeat(4001) },
      { body: "bell\u0007" },
      { body: "carriage\r\nreturn" },
      { body: "fine", subject: "two\nlines" },
    ]) {
      const answer = await admin.request({ type: "admin.announce", ...frame });
      assert.equal(answer["code"], "GW_ERR_BAD_FRAME", JSON.stringify(frame));
    }
    await admin.ok({ type: "admin.announce", body: "y".repeat(4000) });
    assert.deepEqual((await announcementsOf(erin)).map((frame) => String(frame["body"]).length), [9, 4000], "only the texts accepted were shown");
  });
});
