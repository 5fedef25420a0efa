import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CredentialBox, decodeCredentialKey } from "../../../src/core/credential-box.js";

const KEY = Buffer.alloc(32, 7);
const CONTEXT = "native:alice\nxmpp\nalice@example.org";

describe("CredentialBox", () => {
  it("opens what it sealed, with the same key and context", () => {
    const box = new CredentialBox(KEY);
    for (const secret of ["hunter2", "", "Grüße 👋🏽 \u0000 <&>", "x".repeat(5000)]) {
      assert.equal(box.open(box.seal(secret, CONTEXT), CONTEXT), secret);
    }
  });

  it("never writes the secret in clear, and seals the same secret differently each time", () => {
    const box = new CredentialBox(KEY);
    const one = box.seal("correct horse battery", CONTEXT);
    const two = box.seal("correct horse battery", CONTEXT);
    assert.equal(one.includes(Buffer.from("correct horse battery")), false);
    assert.notDeepEqual(one, two, "a fresh IV for every seal");
    assert.equal(one[0], 1, "format version 1");
    assert.equal(one.length, 1 + 12 + 16 + "correct horse battery".length);
  });

  it("refuses a sealed secret with any byte changed", () => {
    const box = new CredentialBox(KEY);
    const sealed = box.seal("hunter2", CONTEXT);
    for (let index = 1; index < sealed.length; index++) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      assert.throws(() => box.open(tampered, CONTEXT), { code: "GW_ERR_CONFIG" }, `byte ${index} changed`);
    }
  });

  it("refuses a truncated secret and an unknown format version", () => {
    const box = new CredentialBox(KEY);
    const sealed = box.seal("hunter2", CONTEXT);
    assert.throws(() => box.open(sealed.subarray(0, 20), CONTEXT), { code: "GW_ERR_CONFIG", message: /truncated/ });
    const future = Buffer.from(sealed);
    future[0] = 2;
    assert.throws(() => box.open(future, CONTEXT), { code: "GW_ERR_CONFIG", message: /version 2/ });
  });

  it("refuses to open with the wrong key", () => {
    const sealed = new CredentialBox(KEY).seal("hunter2", CONTEXT);
    assert.throws(() => new CredentialBox(randomBytes(32)).open(sealed, CONTEXT), { code: "GW_ERR_CONFIG", message: /wrong credential key/ });
  });

  it("refuses to open for another context: a secret moved to another owner's row stays shut", () => {
    const box = new CredentialBox(KEY);
    const sealed = box.seal("hunter2", CONTEXT);
    assert.throws(() => box.open(sealed, "native:mallory\nxmpp\nalice@example.org"), { code: "GW_ERR_CONFIG" });
  });

  it("takes only a 32-byte key", () => {
    assert.throws(() => new CredentialBox(Buffer.alloc(16)), { code: "GW_ERR_CONFIG" });
  });
});

describe("decodeCredentialKey", () => {
  const key = randomBytes(32);

  it("reads 64 hexadecimal digits, either case", () => {
    assert.deepEqual(decodeCredentialKey(key.toString("hex")), key);
    assert.deepEqual(decodeCredentialKey(key.toString("hex").toUpperCase()), key);
  });

  it("reads base64, standard or URL-safe, with or without padding", () => {
    assert.deepEqual(decodeCredentialKey(key.toString("base64")), key);
    assert.deepEqual(decodeCredentialKey(key.toString("base64url")), key);
    assert.deepEqual(decodeCredentialKey(key.toString("base64").replace(/=+$/, "")), key);
  });

  it("refuses a key of another length or a text that is no encoding", () => {
    assert.equal(decodeCredentialKey(""), undefined);
    assert.equal(decodeCredentialKey("00".repeat(16)), undefined, "16 bytes in hex");
    assert.equal(decodeCredentialKey(randomBytes(31).toString("base64")), undefined);
    assert.equal(decodeCredentialKey(randomBytes(33).toString("base64")), undefined);
    assert.equal(decodeCredentialKey("correct horse battery staple, correct horse battery staple!!!!!!"), undefined);
    assert.equal(decodeCredentialKey(`${key.toString("base64")}AA`), undefined, "not a clean encoding");
  });
});
