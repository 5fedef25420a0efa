/**
 * The one-time codes that prove a link (core/identities.ts): made, shown, found in what people type back, and
 * compared through an HMAC under a key that lives in this process's memory only.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 8;

/**
 * The codes a message may hold, as people type them: "ABCD-EFGH", "abcd efgh", "my code is abcdefgh". Case and
 * one separator in the middle do not matter.
 */
export function codeCandidates(text: string): string[] {
  const candidates = new Set<string>();
  // A lookahead at each word's start: candidates may overlap ("code 5SAU BNRX" is CODE5SAU, and 5SAUBNRX).
  for (const match of text.matchAll(/(?<![A-Za-z0-9])(?=([A-Za-z0-9]{4})[\s-]?([A-Za-z0-9]{4})(?![A-Za-z0-9]))/g)) {
    candidates.add(`${match[1] ?? ""}${match[2] ?? ""}`.toUpperCase());
  }
  return [...candidates].slice(0, 10);
}

export function newCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET.charAt(randomInt(ALPHABET.length));
  return code;
}

/** "ABCD-EFGH": easier to read and type. */
export function shown(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Codes as stored (an HMAC of each) and checked; a new key per process, so a restart voids the codes in flight. */
export class LinkCodeHasher {
  private readonly key = randomBytes(32);

  /** The proof whose code the text holds, compared in constant time (each hash against every candidate). */
  matching<P extends { readonly codeHash: string }>(proofs: readonly P[], text: string): P | undefined {
    const answers = codeCandidates(text).map((candidate) => Buffer.from(this.hash(candidate), "hex"));
    return proofs.find((proof) => {
      const expected = Buffer.from(proof.codeHash, "hex");
      return answers.some((answer) => answer.length === expected.length && timingSafeEqual(expected, answer));
    });
  }

  hash(code: string): string {
    return createHmac("sha256", this.key).update(code).digest("hex");
  }
}
