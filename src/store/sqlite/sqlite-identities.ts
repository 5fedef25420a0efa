/**
 * IdentityStore on SQLite: proven links (one person per address), the proofs still waiting for their code, and
 * a log of every proof asked for (link_requests) so that the rate limit counts used and expired proofs too.
 */
import type Database from "better-sqlite3";
import { addressKey, parseAddress } from "../../core/model/address.js";
import type { IdentityLinkRecord, IdentityStore, LinkProofRecord } from "../store.js";
import { nativeName, noAccount, OWNER_HAS_ACCOUNT } from "./native-owner.js";
import { guarded } from "./sqlite-errors.js";

/** How long link_requests rows are kept: longer than any rate-limit window asked of proofsAskedSince. */
const REQUEST_RETENTION_MS = 24 * 60 * 60 * 1000;

interface LinkRow {
  readonly person: string;
  readonly address: string;
  readonly linked_at: number;
  readonly account: string | null;
}

interface ProofRow {
  readonly person: string;
  readonly address: string;
  readonly code_hash: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly attempts: number;
}

function toLink(row: LinkRow): IdentityLinkRecord {
  return { person: parseAddress(row.person), address: parseAddress(row.address), linkedAt: row.linked_at, ...(row.account === null ? {} : { account: row.account }) };
}

function toProof(row: ProofRow): LinkProofRecord {
  return {
    person: parseAddress(row.person),
    address: parseAddress(row.address),
    codeHash: row.code_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    attempts: row.attempts,
  };
}

export function createSqliteIdentities(db: Database.Database): IdentityStore {
  const insertLink = db.prepare<[string, string, number, string | null, string | null, string | null]>(
    `INSERT INTO identity_links (person, address, linked_at, account) SELECT ?, ?, ?, ? WHERE ${OWNER_HAS_ACCOUNT} ON CONFLICT DO NOTHING`,
  );
  const ownerHasAccount = db.prepare<[string | null, string | null], { yes: number }>(`SELECT ${OWNER_HAS_ACCOUNT} AS yes`);
  const deleteLink = db.prepare<[string, string]>("DELETE FROM identity_links WHERE person = ? AND address = ?");
  const linksOf = db.prepare<[string], LinkRow>("SELECT * FROM identity_links WHERE person = ? ORDER BY address");
  const personOf = db.prepare<[string], LinkRow>("SELECT * FROM identity_links WHERE address = ?");
  const allLinks = db.prepare<[], LinkRow>("SELECT * FROM identity_links ORDER BY person, address");

  const upsertProof = db.prepare<[string, string, string, number, number, number]>(
    `INSERT INTO link_proofs (person, address, code_hash, created_at, expires_at, attempts) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (person, address) DO UPDATE SET
       code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = excluded.attempts`,
  );
  const insertRequest = db.prepare<[string, number]>("INSERT INTO link_requests (person, at) VALUES (?, ?)");
  const proofsFor = db.prepare<[string], ProofRow>("SELECT * FROM link_proofs WHERE address = ? ORDER BY person");
  const countRequests = db.prepare<[string, number], { count: number }>("SELECT count(*) AS count FROM link_requests WHERE person = ? AND at >= ?");
  const addAttempt = db.prepare<[string, string], { attempts: number }>(
    "UPDATE link_proofs SET attempts = attempts + 1 WHERE person = ? AND address = ? RETURNING attempts",
  );
  const deleteProof = db.prepare<[string, string]>("DELETE FROM link_proofs WHERE person = ? AND address = ?");
  const deleteExpired = db.prepare<[number]>("DELETE FROM link_proofs WHERE expires_at <= ?");
  const pruneRequests = db.prepare<[number]>("DELETE FROM link_requests WHERE at < ?");

  // The proof and its request land together, so that the rate limit never misses a proof that was sent.
  const putProof = db.transaction((proof: LinkProofRecord) => {
    const person = addressKey(proof.person);
    upsertProof.run(person, addressKey(proof.address), proof.codeHash, proof.createdAt, proof.expiresAt, proof.attempts);
    insertRequest.run(person, proof.createdAt);
  });
  const removeExpired = db.transaction((now: number): number => {
    pruneRequests.run(now - REQUEST_RETENTION_MS);
    return deleteExpired.run(now).changes;
  });

  return {
    link: (record) =>
      guarded("store an identity link", () => {
        const name = nativeName(record.person);
        if (insertLink.run(addressKey(record.person), addressKey(record.address), record.linkedAt, record.account ?? null, name, name).changes > 0) return true;
        // Refused: the address was linked meanwhile (false), or the person's account is no more (asked apart, only to say which).
        if (ownerHasAccount.get(name, name)?.yes !== 1) throw noAccount(record.person);
        return false;
      }),
    unlink: (person, address) => guarded("remove an identity link", () => deleteLink.run(addressKey(person), addressKey(address)).changes > 0),
    linksOf: (person) => guarded("read identity links", () => linksOf.all(addressKey(person)).map(toLink)),
    personOf: (address) =>
      guarded("read an identity link", () => {
        const row = personOf.get(addressKey(address));
        return row && toLink(row);
      }),
    allLinks: () => guarded("list identity links", () => allLinks.all().map(toLink)),
    putProof: (proof) =>
      guarded("store a link proof", () => {
        putProof(proof);
      }),
    proofsFor: (address) => guarded("read link proofs", () => proofsFor.all(addressKey(address)).map(toProof)),
    proofsAskedSince: (person, since) => guarded("count link requests", () => countRequests.get(addressKey(person), since)?.count ?? 0),
    recordAttempt: (person, address) => guarded("record a link attempt", () => addAttempt.get(addressKey(person), addressKey(address))?.attempts ?? 0),
    removeProof: (person, address) => guarded("remove a link proof", () => deleteProof.run(addressKey(person), addressKey(address)).changes > 0),
    removeExpiredProofs: (now) => guarded("remove expired link proofs", () => removeExpired(now)),
  };
}
