import assert from "node:assert/strict";
import { OccupantIds } from "../../../src/adapters/xmpp/occupant-ids.js";
import { parseAddress } from "../../../src/core/model/address.js";

const dev = parseAddress("native:%23dev");
const ops = parseAddress("native:%23ops");
const alice = parseAddress("native:alice");
const juliet = parseAddress("xmpp:juliet@example.org");

async function loaded(secret: string): Promise<OccupantIds> {
  const ids = new OccupantIds(async () => Buffer.from(secret));
  await ids.load();
  return ids;
}

describe("XEP-0421 occupant ids of the gateway's rooms", () => {
  it("gives one person one id in a room, another in another room, and other people other ids", async () => {
    const ids = await loaded("a secret of the gateway's own");
    assert.equal(ids.of(dev, alice), ids.of(dev, alice));
    assert.equal(ids.of(dev, alice), (await loaded("a secret of the gateway's own")).of(dev, alice), "the same secret (kept in the store): the same id");
    assert.notEqual(ids.of(dev, alice), ids.of(ops, alice));
    assert.notEqual(ids.of(dev, alice), ids.of(dev, juliet));
    assert.notEqual(ids.of(dev, alice), (await loaded("another gateway's secret")).of(dev, alice));
  });

  it("makes short opaque ids that show nothing of the person", async () => {
    const id = (await loaded("secret")).of(dev, juliet);
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.ok(!id.toLowerCase().includes("juliet"));
  });

  it("refuses to make an id before the secret is read", () => {
    assert.throws(() => new OccupantIds(async () => Buffer.from("secret")).of(dev, alice), { code: "GW_ERR_INTERNAL" });
  });
});
