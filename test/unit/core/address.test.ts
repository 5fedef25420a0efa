import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import {
  DEFAULT_ACCOUNT,
  PROTOCOLS,
  addressKey,
  formatAddress,
  makeAddress,
  parseAddress,
  sameAddress,
  type Address,
  type ProtocolId,
} from "../../../src/core/model/address.js";

/** Asserts that `work` throws a GatewayError with code GW_ERR_BAD_ADDRESS. */
function assertBadAddress(work: () => unknown, what: string): void {
  assert.throws(
    work,
    (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_BAD_ADDRESS",
    `${what} should be rejected with GW_ERR_BAD_ADDRESS`,
  );
}

/** mulberry32: a small seeded generator, so that the generated cases are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters an id may hold: URI delimiters, percent, spaces, IRC nick specials, accents, scripts, emoji
// (astral, so two UTF-16 units), a combining mark and a zero-width joiner. No control characters.
const ID_CHARACTERS = [
  ..."abcXYZ019",
  ..." %/?#:@&=+;,$!'()*[]{}|^`\\~-._\"<>",
  ..."éßøñ中文ひらがなКириллица",
  "😀",
  "👩‍💻",
  "🇫🇷",
  "e\u0301",
  "\u00a0",
];

function generatedId(random: () => number): string {
  const length = 1 + Math.floor(random() * 24);
  let id = "";
  for (let i = 0; i < length; i += 1) id += ID_CHARACTERS[Math.floor(random() * ID_CHARACTERS.length)] ?? "x";
  return id;
}

const ACCOUNTS = [DEFAULT_ACCOUNT, "libera", "work", "oftc.net", "a", "A-1_b.c"];

describe("parseAddress and formatAddress", () => {
  it("reads the short form as the default account", () => {
    assert.deepEqual(parseAddress("native:alice"), { protocol: "native", account: DEFAULT_ACCOUNT, id: "alice" });
    assert.equal(formatAddress(parseAddress("native:alice")), "native:alice");
  });

  it("reads the full form with an account and an id that contains @", () => {
    const address = parseAddress("xmpp://work/alice@example.org");
    assert.deepEqual(address, { protocol: "xmpp", account: "work", id: "alice@example.org" });
    assert.equal(formatAddress(address), "xmpp://work/alice@example.org");
  });

  it("decodes a percent-encoded # so that irc://libera/%23chan is the channel #chan", () => {
    const address = parseAddress("irc://libera/%23chan");
    assert.deepEqual(address, { protocol: "irc", account: "libera", id: "#chan" });
    assert.equal(formatAddress(address), "irc://libera/%23chan");
  });

  it("writes the default account in the short form even when it was given in full", () => {
    assert.equal(formatAddress(parseAddress("native://default/alice")), "native:alice");
  });

  it("leaves the IRC nick specials of [m]x\\y|z^ unencoded and round-trips them", () => {
    const address = makeAddress("irc", "libera", "[m]x\\y|z^");
    assert.equal(formatAddress(address), "irc://libera/[m]x\\y|z^");
    assert.deepEqual(parseAddress(formatAddress(address)), address);
  });

  it("encodes spaces, %, /, ? and # in an id so that they cannot change how the URI parses", () => {
    const address = makeAddress("xmpp", "work", "a b%c/d?e#f");
    assert.equal(formatAddress(address), "xmpp://work/a%20b%25c%2Fd%3Fe%23f");
    assert.deepEqual(parseAddress(formatAddress(address)), address);
  });

  it("encodes unicode and emoji as UTF-8 bytes and decodes them back", () => {
    const address = makeAddress("native", DEFAULT_ACCOUNT, "zoë😀");
    assert.equal(formatAddress(address), "native:zo%C3%AB%F0%9F%98%80");
    assert.deepEqual(parseAddress(formatAddress(address)), address);
  });

  it("accepts unencoded unicode and / in what it parses and writes them encoded", () => {
    const address = parseAddress("irc://libera/a/b");
    assert.equal(address.id, "a/b");
    assert.equal(formatAddress(address), "irc://libera/a%2Fb");
    assert.equal(formatAddress(parseAddress("native:zoë")), "native:zo%C3%AB");
  });

  it("round-trips an id that is a single space", () => {
    const address = makeAddress("native", DEFAULT_ACCOUNT, " ");
    assert.equal(formatAddress(address), "native:%20");
    assert.deepEqual(parseAddress(formatAddress(address)), address);
  });

  it("round-trips an id whose text looks like a percent-encoding", () => {
    const address = makeAddress("irc", "libera", "%23chan");
    assert.equal(formatAddress(address), "irc://libera/%2523chan");
    assert.deepEqual(parseAddress(formatAddress(address)), address);
  });

  it("round-trips an id that looks like the full form in the short form", () => {
    const address = makeAddress("native", DEFAULT_ACCOUNT, "//libera/x");
    assert.deepEqual(parseAddress(formatAddress(address)), address);
  });

  it("round-trips an id of the maximum length of 1024 characters", () => {
    const address = makeAddress("native", DEFAULT_ACCOUNT, "x".repeat(1024));
    assert.deepEqual(parseAddress(formatAddress(address)), address);
  });

  it("round-trips 2000 seeded random ids on every protocol and account", () => {
    const random = seededRandom(0x5b0a7d);
    for (let i = 0; i < 2000; i += 1) {
      const protocol = PROTOCOLS[i % PROTOCOLS.length] as ProtocolId;
      const account = ACCOUNTS[Math.floor(random() * ACCOUNTS.length)] ?? DEFAULT_ACCOUNT;
      const address = makeAddress(protocol, account, generatedId(random));
      const uri = formatAddress(address);
      const parsed = parseAddress(uri);
      assert.deepEqual(parsed, address, `case ${i}: ${JSON.stringify(address)} formatted as ${uri}`);
      assert.equal(formatAddress(parsed), uri, `case ${i}: the canonical form of ${uri} is not stable`);
    }
  });

  it("gives the same canonical form however an id was written in the input", () => {
    const random = seededRandom(42);
    for (let i = 0; i < 500; i += 1) {
      const id = generatedId(random);
      // Every character percent-encoded, even the safe ones: a legal but non-canonical spelling.
      const spelled = `irc://libera/${[...Buffer.from(id, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("")}`;
      const canonical = formatAddress(makeAddress("irc", "libera", id));
      assert.equal(formatAddress(parseAddress(spelled)), canonical, `case ${i}: ${JSON.stringify(id)}`);
    }
  });

  it("returns frozen addresses", () => {
    assert.ok(Object.isFrozen(parseAddress("native:alice")));
  });
});

describe("parseAddress on malformed input", () => {
  const cases: readonly [string, string][] = [
    ["an unknown protocol", "matrix://hs/@a:b"],
    ["a protocol in the wrong case", "NATIVE:alice"],
    ["no protocol at all", "alice"],
    ["an empty protocol", ":alice"],
    ["the empty string", ""],
    ["an empty id in the short form", "native:"],
    ["an empty id after an account", "irc://libera/"],
    ["an account without the slash before the id", "irc://libera"],
    ["an empty account", "irc:///alice"],
    ["an account with a space", "irc://lib era/alice"],
    ["an account that starts with a dot", "irc://.libera/alice"],
    ["an account of 65 characters", `irc://${"a".repeat(65)}/alice`],
    ["a percent sign without two hex digits", "native:100%"],
    ["a percent sign with non-hex digits", "native:%zz"],
    ["a truncated UTF-8 sequence", "native:%E2%82"],
    ["an encoded lone surrogate", "native:%ED%A0%80"],
    ["an encoded NUL", "native:a%00b"],
    ["an encoded newline", "irc://libera/a%0Ab"],
    ["a raw tab", "native:a\tb"],
    ["an encoded DEL", "native:a%7Fb"],
    ["an id of 1025 characters", `native:${"x".repeat(1025)}`],
  ];
  for (const [what, uri] of cases) {
    it(`rejects ${what} with GW_ERR_BAD_ADDRESS`, () => {
      assertBadAddress(() => parseAddress(uri), JSON.stringify(uri));
    });
  }

  it("accepts an account of 64 characters, the longest allowed", () => {
    assert.equal(parseAddress(`irc://${"a".repeat(64)}/alice`).account.length, 64);
  });
});

describe("makeAddress", () => {
  it("rejects an id with a lone surrogate, which could not round-trip through UTF-8", () => {
    assert.throws(() => makeAddress("native", "default", "x\uD800y"), { code: "GW_ERR_BAD_ADDRESS" });
    assert.throws(() => makeAddress("native", "default", "x\uDC00"), { code: "GW_ERR_BAD_ADDRESS" });
    assert.equal(makeAddress("native", "default", "x😀").id, "x😀");
  });

  it("rejects C1 control characters", () => {
    assert.throws(() => parseAddress("native:a%C2%85b"), { code: "GW_ERR_BAD_ADDRESS" });
  });

  it("rejects an empty id, a bad account and control characters with GW_ERR_BAD_ADDRESS", () => {
    assertBadAddress(() => makeAddress("native", DEFAULT_ACCOUNT, ""), "an empty id");
    assertBadAddress(() => makeAddress("irc", "lib/era", "alice"), "an account with a slash");
    assertBadAddress(() => makeAddress("irc", "", "alice"), "an empty account");
    assertBadAddress(() => makeAddress("xmpp", "work", "alice\u0000"), "an id with NUL");
    assertBadAddress(() => makeAddress("xmpp", "work", "\u001bbob"), "an id with ESC");
  });
});

describe("sameAddress and addressKey", () => {
  it("compares protocol, account and id, and keys by the canonical URI", () => {
    const a: Address = parseAddress("irc://libera/%23chan");
    assert.ok(sameAddress(a, makeAddress("irc", "libera", "#chan")));
    assert.ok(!sameAddress(a, makeAddress("irc", "oftc", "#chan")));
    assert.ok(!sameAddress(a, makeAddress("xmpp", "libera", "#chan")));
    assert.ok(!sameAddress(a, makeAddress("irc", "libera", "#Chan")));
    assert.equal(addressKey(a), "irc://libera/%23chan");
  });
});
