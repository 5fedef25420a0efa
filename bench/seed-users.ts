/**
 * The users of a bench, written straight into the daemon's SQLite store before it starts: registering 1,000
 * users through the protocol would cost about 100 ms of scrypt (N = 2^15) each. The seeded hash uses N = 1024 in
 * the same stored format (src/adapters/native/password.ts), and verification uses the stored parameters, so a
 * login costs about 1 ms. Contacts (for the XMPP bench's default policy, messages_from: contacts) are seeded the
 * same way.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { DEFAULT_ACCOUNT, makeAddress } from "../src/core/model/address.js";
import { openSqliteStore } from "../src/store/sqlite/index.js";

/** A mutual subscription (subscription "both") between a native user and an XMPP JID. */
export interface SeededContact {
  readonly user: string;
  readonly jid: string;
}

/** scrypt$N$r$p$salt$hash with cheap parameters (N = 1024): for seeded benchmark users only. */
export function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize("NFC"), salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Creates the store at `path` with `users` (all with `password`), then `contacts`. */
export async function seedUsers(path: string, users: readonly string[], password: string, contacts: readonly SeededContact[] = []): Promise<void> {
  const store = openSqliteStore(path);
  try {
    const passwordHash = cheapPasswordHash(password);
    const createdAt = Date.now();
    for (const name of users) {
      if (!(await store.accounts.create({ name, passwordHash, displayName: name, createdAt }))) throw new Error(`seeding: user ${name} exists`);
    }
    for (const { user, jid } of contacts) {
      const owner = makeAddress("native", DEFAULT_ACCOUNT, user);
      const address = makeAddress("xmpp", DEFAULT_ACCOUNT, jid);
      await store.contacts.put({ owner, address, name: jid, subscription: "both", pendingOut: false, pendingIn: false });
    }
  } finally {
    await store.close();
  }
}
