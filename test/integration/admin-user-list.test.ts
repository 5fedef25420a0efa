/**
 * admin.user.list against the real daemon: an admin gets every account by name with when it was made, whether the user
 * has a session now and, for a disabled one, since when and why; the next page after a name; anyone else is refused.
 */
import assert from "node:assert/strict";
import { useGateway } from "../helpers/gateway-fixture.js";

const ADMIN = "listadmin";
const TIMEOUT = 10_000;

describe("admin.user.list", function () {
  this.timeout(30_000);
  const gateway = useGateway(`admins: ["native:${ADMIN}"]\nnative:\n  port: 0\n`);

  it("lists the accounts with when they were made, whether they are online, and since when and why a disabled one is", async function () {
    const before = Date.now();
    const admin = await gateway.user(ADMIN);
    const alice = await gateway.user("alice");
    const bob = await gateway.user("bob");
    await bob.close();
    const mallory = await gateway.user("mallory");
    await admin.ok({ type: "admin.user.disable", name: "mallory", reason: "spam in the lobby" }, TIMEOUT);
    assert.equal(await mallory.closed(), 4001);

    const answer = await admin.ok({ type: "admin.user.list" });
    assert.equal(answer["truncated"], false);
    const accounts = answer["accounts"] as Array<Record<string, unknown>>;
    assert.deepEqual(
      accounts.map(({ name, online, disabled_reason }) => ({ name, online, disabled_reason })),
      [
        { name: "alice", online: true, disabled_reason: undefined },
        { name: "bob", online: false, disabled_reason: undefined },
        { name: ADMIN, online: true, disabled_reason: undefined },
        { name: "mallory", online: false, disabled_reason: "spam in the lobby" },
      ],
    );
    for (const account of accounts) {
      assert.ok(typeof account["created_at"] === "number" && account["created_at"] >= before - 1000 && account["created_at"] <= Date.now(), `${String(account["name"])} created_at`);
    }
    const disabledAt = accounts.find((account) => account["name"] === "mallory")?.["disabled_at"];
    assert.ok(typeof disabledAt === "number" && disabledAt >= before && disabledAt <= Date.now(), "mallory's disabled_at");
    assert.equal(accounts.find((account) => account["name"] === "alice")?.["disabled_at"], undefined);

    const after = await admin.ok({ type: "admin.user.list", after: "BOB" });
    assert.deepEqual((after["accounts"] as Array<Record<string, unknown>>).map((account) => account["name"]), [ADMIN, "mallory"]);

    assert.equal((await alice.request({ type: "admin.user.list" }))["code"], "GW_ERR_FORBIDDEN");
  });
});
