import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OCCUPANT_ID_SECRET, OccupantIds } from "../../../src/adapters/xmpp/occupant-ids.js";
import { CredentialBox } from "../../../src/core/credential-box.js";
import { gatewaySecret } from "../../../src/core/gateway-secrets.js";
import { parseAddress } from "../../../src/core/model/address.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const dev = parseAddress("native:%23dev");
const alice = parseAddress("native:alice");

/** The occupant-id secret's row as the database holds it (obtain gives what is kept, keeping nothing new). */
async function storedRow(store: Store): Promise<Buffer> {
  return store.gatewaySecrets.obtain(OCCUPANT_ID_SECRET, Buffer.from("never kept"), 0);
}

describe("the occupant-id secret at rest", () => {
  let dir: string;
  let file: string;
  const box = new CredentialBox(randomBytes(32));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-secrets-"));
    file = join(dir, "switchboard.db");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts on the database file as a gateway does, reads the secret as the component does; answers alice's id in #dev. */
  async function aRun(key: CredentialBox | undefined): Promise<{ id: string; secret: Buffer; row: Buffer }> {
    const store = openSqliteStore(file);
    try {
      let secret: Buffer = Buffer.alloc(0);
      const ids = new OccupantIds(async () => (secret = await gatewaySecret(store.gatewaySecrets, OCCUPANT_ID_SECRET, key)));
      await ids.load();
      return { id: ids.of(dev, alice), secret, row: await storedRow(store) };
    } finally {
      await store.close();
    }
  }

  it("keeps the secret sealed with the credential key, and the occupant ids the same across a restart", async () => {
    const first = await aRun(box);
    assert.equal(first.secret.length, 32);
    assert.ok(!first.row.includes(first.secret), "the row does not hold the secret in clear");
    assert.ok(!first.row.includes(Buffer.from(first.secret.toString("hex"))), "nor its hex");
    const second = await aRun(box);
    assert.equal(second.id, first.id);
    assert.deepEqual(second.secret, first.secret);
  });

  it("seals a secret kept in clear before a credential key was set, keeping the ids", async () => {
    const before = await aRun(undefined);
    assert.deepEqual(before.row, before.secret, "without a key it is kept as it is");
    const sealing = await aRun(box);
    assert.equal(sealing.id, before.id);
    assert.ok(!sealing.row.includes(before.secret), "sealed at the first read with a key");
    const after = await aRun(box);
    assert.equal(after.id, before.id);
    assert.deepEqual(after.row, sealing.row, "sealed once");
  });

  it("refuses a sealed secret without the key it was sealed with rather than making a new one", async () => {
    const first = await aRun(box);
    await assert.rejects(aRun(undefined), { code: "GW_ERR_CONFIG" });
    await assert.rejects(aRun(new CredentialBox(randomBytes(32))), { code: "GW_ERR_CONFIG" });
    assert.equal((await aRun(box)).id, first.id, "the secret is still there for the right key");
  });
});
