/**
 * GatewaySecretStore on SQLite: one row per name, written once (the first secret kept for a name is its secret for good),
 * replaced only by the same secret sealed (core/gateway-secrets.ts).
 */
import type Database from "better-sqlite3";
import type { GatewaySecretStore } from "../store.js";
import { guarded } from "./sqlite-errors.js";

export function createSqliteGatewaySecrets(db: Database.Database): GatewaySecretStore {
  const insert = db.prepare<[string, Buffer, number]>("INSERT OR IGNORE INTO gateway_secrets (name, secret, created_at) VALUES (?, ?, ?)");
  const update = db.prepare<[Buffer, string, Buffer]>("UPDATE gateway_secrets SET secret = ? WHERE name = ? AND secret = ?");
  const select = db.prepare<[string], { readonly secret: Buffer }>("SELECT secret FROM gateway_secrets WHERE name = ?");
  // One transaction: the secret read is the one kept, whoever kept it first.
  const obtain = db.transaction((name: string, fresh: Buffer, at: number): Buffer => {
    insert.run(name, fresh, at);
    const row = select.get(name);
    if (row === undefined) throw new Error(`gateway secret ${name} not kept`);
    return Buffer.from(row.secret);
  });
  return {
    obtain: (name, fresh, at) => guarded("obtain a gateway secret", () => obtain(name, fresh, at)),
    replace: (name, expected, next) => guarded("replace a gateway secret", () => update.run(next, name, expected).changes > 0),
  };
}
