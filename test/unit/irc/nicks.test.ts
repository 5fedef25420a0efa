import assert from "node:assert/strict";
import { GatewayError, type ErrorCode } from "../../../src/core/errors.js";
import {
  CASE_MAPPINGS,
  RFC2812_NICKLEN,
  foldCase,
  isChannelName,
  isValidNick,
  nextNickCandidate,
  nickFromTemplate,
  nickTemplateProblem,
  parseCaseMapping,
  puppetNickCandidates,
  sameName,
} from "../../../src/adapters/irc/nicks.js";

function assertCode(work: () => unknown, code: ErrorCode, what: string): void {
  assert.throws(work, (error: unknown) => error instanceof GatewayError && error.code === code, `${what} should throw ${code}`);
}

describe("IRC nicks and channel names", () => {
  describe("case mapping (ISUPPORT CASEMAPPING)", () => {
    it("folds A-Z only under ascii", () => {
      assert.equal(foldCase("Alice[]\\^~", "ascii"), "alice[]\\^~");
    });

    it("folds [ ] \\ ^ to { } | ~ under rfc1459, the default", () => {
      assert.equal(foldCase("Alice[]\\^", "rfc1459"), "alice{}|~");
      assert.equal(foldCase("Alice[]\\^"), "alice{}|~");
      assert.equal(foldCase("{}|~"), "{}|~");
    });

    it("folds [ ] \\ but not ^ under strict-rfc1459", () => {
      assert.equal(foldCase("Alice[]\\^", "strict-rfc1459"), "alice{}|^");
    });

    it("leaves non-ASCII letters alone under the ASCII mappings", () => {
      for (const mapping of ["ascii", "rfc1459", "strict-rfc1459"] as const) assert.equal(foldCase("ÄÖÜ Σ", mapping), "ÄÖÜ Σ");
    });

    it("folds Unicode case and width under rfc7613, and composes", () => {
      assert.equal(foldCase("ÄÖÜ", "rfc7613"), "äöü");
      assert.equal(foldCase("ＡＢＣ", "rfc7613"), "abc");
      assert.equal(foldCase("A\u0308", "rfc7613"), "ä");
      assert.equal(foldCase("[Bob]", "rfc7613"), "[bob]");
    });

    it("tells whether two names are the same under a mapping", () => {
      assert.equal(sameName("Bob[away]", "bob{away}"), true);
      assert.equal(sameName("Bob[away]", "bob{away}", "ascii"), false);
      assert.equal(sameName("a~", "A^", "rfc1459"), true);
      assert.equal(sameName("a~", "A^", "strict-rfc1459"), false);
      assert.equal(sameName("a|", "A\\", "strict-rfc1459"), true);
      assert.equal(sameName("#Chan", "#chan", "ascii"), true);
      assert.equal(sameName("alice", "alicf"), false);
    });

    it("reads the ISUPPORT value, defaulting to rfc1459", () => {
      assert.equal(parseCaseMapping("ascii"), "ascii");
      assert.equal(parseCaseMapping("RFC1459"), "rfc1459");
      assert.equal(parseCaseMapping("strict-rfc1459"), "strict-rfc1459");
      assert.equal(parseCaseMapping("rfc7613"), "rfc7613");
      assert.equal(parseCaseMapping("rfc8265"), "rfc7613");
      assert.equal(parseCaseMapping(undefined), "rfc1459");
      assert.equal(parseCaseMapping("something-new"), "rfc1459");
      assert.deepEqual([...CASE_MAPPINGS], ["ascii", "rfc1459", "strict-rfc1459", "rfc7613"]);
    });
  });

  describe("isValidNick (RFC 2812 section 2.3.1)", () => {
    it("accepts a letter or special first, then letters, digits, specials and '-'", () => {
      for (const nick of ["alice", "a", "[sb]bob", "`x", "_x-1", "^^", "{a}|b", "Z9-"]) assert.equal(isValidNick(nick, { nickLen: 30 }), true, nick);
    });

    it("refuses a digit or '-' first, empty nicks and other characters", () => {
      for (const nick of ["", "1abc", "-abc", "a b", "a.b", "a!b", "a@b", "a:b", "a#b", "ålice", "a\r\nb", "a,b"]) assert.equal(isValidNick(nick, { nickLen: 30 }), false, JSON.stringify(nick));
    });

    it("applies NICKLEN, 9 by default", () => {
      assert.equal(RFC2812_NICKLEN, 9);
      assert.equal(isValidNick("abcdefghi"), true);
      assert.equal(isValidNick("abcdefghij"), false);
      assert.equal(isValidNick("abcdefghij", { nickLen: 10 }), true);
    });

    it("refuses a NICKLEN that is not a positive integer", () => {
      assertCode(() => isValidNick("a", { nickLen: 0 }), "GW_ERR_INTERNAL", "NICKLEN 0");
    });
  });

  describe("nickFromTemplate", () => {
    it("fills {name} and {network}", () => {
      assert.equal(nickFromTemplate("{name}[sb]", { name: "alice" }, { nickLen: 30 }), "alice[sb]");
      assert.equal(nickFromTemplate("{name}|sb", { name: "alice" }, { nickLen: 30 }), "alice|sb");
      assert.equal(nickFromTemplate("{name}|{network}", { name: "alice", network: "xmpp" }, { nickLen: 30 }), "alice|xmpp");
      assert.equal(nickFromTemplate("{name}", { name: "Alice" }, { nickLen: 30 }), "Alice");
    });

    it("turns spaces and other characters a nick cannot hold into one '_' per run", () => {
      assert.equal(nickFromTemplate("{name}[sb]", { name: "John Smith" }, { nickLen: 30 }), "John_Smith[sb]");
      assert.equal(nickFromTemplate("{name}[sb]", { name: "a  b" }, { nickLen: 30 }), "a_b[sb]");
      assert.equal(nickFromTemplate("{name}", { name: "juliet@capulet.example" }, { nickLen: 30 }), "juliet_capulet_example");
      assert.equal(nickFromTemplate("{name}", { name: "a__b" }, { nickLen: 30 }), "a__b");
    });

    it("transliterates where NFKD makes it obvious, else uses '_'", () => {
      assert.equal(nickFromTemplate("{name}[sb]", { name: "Jürgen" }, { nickLen: 30 }), "Jurgen[sb]");
      assert.equal(nickFromTemplate("{name}", { name: "Zoë Ångström" }, { nickLen: 30 }), "Zoe_Angstrom");
      assert.equal(nickFromTemplate("{name}", { name: "ﬁｎｅ" }, { nickLen: 30 }), "fine");
      assert.equal(nickFromTemplate("{name}", { name: "Łukasz" }, { nickLen: 30 }), "_ukasz");
      assert.equal(nickFromTemplate("{name}[sb]", { name: "東京" }, { nickLen: 30 }), "_[sb]");
      assert.equal(nickFromTemplate("{name}[sb]", { name: "" }, { nickLen: 30 }), "_[sb]");
    });

    it("prefixes '_' to a nick that would start with a digit or '-'", () => {
      assert.equal(nickFromTemplate("{name}[sb]", { name: "1337" }, { nickLen: 30 }), "_1337[sb]");
      assert.equal(nickFromTemplate("{name}[sb]", { name: "-dash" }, { nickLen: 30 }), "_-dash[sb]");
      assert.equal(nickFromTemplate("{network}-{name}", { name: "bob", network: "42net" }, { nickLen: 30 }), "_42net-bob");
      assert.equal(nickFromTemplate("{name}", { name: "9" }, { nickLen: 2 }), "_9");
    });

    it("shortens the name, never the suffix, to fit NICKLEN", () => {
      assert.equal(nickFromTemplate("{name}[sb]", { name: "bartholomew" }, { nickLen: 9 }), "barth[sb]");
      assert.equal(nickFromTemplate("{name}[sb]", { name: "bartholomew" }), "barth[sb]");
      assert.equal(nickFromTemplate("{name}|{network}", { name: "bartholomew", network: "libera" }, { nickLen: 12 }), "barth|libera");
      assert.equal(nickFromTemplate("{name}[sb]", { name: "1234567890" }, { nickLen: 9 }), "_1234[sb]");
      assert.equal(nickFromTemplate("{name}[sb]", { name: "x" }, { nickLen: 5 }), "x[sb]");
    });

    it("always makes a valid nick within NICKLEN", () => {
      const names = ["alice", "Jürgen Müller", "東京", "1st", "-", " ", "a.b.c@d", "O'Brien", "x".repeat(100), "🙂"];
      for (const name of names) {
        for (const nickLen of [6, 9, 16, 30]) {
          const nick = nickFromTemplate("{name}[sb]", { name }, { nickLen });
          assert.equal(isValidNick(nick, { nickLen }), true, `${JSON.stringify(name)} at ${nickLen} gave ${nick}`);
          assert.ok(nick.endsWith("[sb]"), nick);
        }
      }
    });

    it("refuses a template that leaves no room for the name", () => {
      assertCode(() => nickFromTemplate("{name}[switchboard]", { name: "a" }, { nickLen: 9 }), "GW_ERR_CONFIG", "a 13-character suffix at NICKLEN 9");
      assertCode(() => nickFromTemplate("{name}[sb]", { name: "1" }, { nickLen: 5 }), "GW_ERR_CONFIG", "a prefix and a suffix at NICKLEN 5");
    });

    it("refuses templates that cannot make nicks, and says why", () => {
      assert.equal(nickTemplateProblem("{name}[sb]"), undefined);
      assert.equal(nickTemplateProblem("sb-{network}-{name}"), undefined);
      assert.match(nickTemplateProblem("[sb]") ?? "", /must contain \{name\} exactly once/);
      assert.match(nickTemplateProblem("{name}{name}") ?? "", /exactly once/);
      assert.match(nickTemplateProblem("{name}{nick}") ?? "", /unknown placeholder \{nick\}/);
      assert.match(nickTemplateProblem("{name} sb") ?? "", /contains " "/);
      assert.match(nickTemplateProblem("{name}.sb") ?? "", /contains "\."/);
      assertCode(() => nickFromTemplate("{name} (sb)", { name: "a" }, { nickLen: 30 }), "GW_ERR_CONFIG", "a space in the template");
    });
  });

  describe("nextNickCandidate", () => {
    it("tries the base, then base_, base_2, base_3, ...", () => {
      const candidates = [0, 1, 2, 3, 10].map((attempt) => nextNickCandidate("bob[sb]", attempt, 30));
      assert.deepEqual(candidates, ["bob[sb]", "bob[sb]_", "bob[sb]_2", "bob[sb]_3", "bob[sb]_10"]);
    });

    it("shortens the base to stay within NICKLEN", () => {
      assert.deepEqual(
        [0, 1, 2, 10, 100].map((attempt) => nextNickCandidate("abcdefghi", attempt, 9)),
        ["abcdefghi", "abcdefgh_", "abcdefg_2", "abcdef_10", "abcde_100"],
      );
      assert.equal(nextNickCandidate("abcdefghijkl", 0, 9), "abcdefghi");
    });

    it("is deterministic and gives distinct valid nicks", () => {
      const first = Array.from({ length: 50 }, (_, attempt) => nextNickCandidate("alice[sb]", attempt, 9));
      const second = Array.from({ length: 50 }, (_, attempt) => nextNickCandidate("alice[sb]", attempt, 9));
      assert.deepEqual(first, second);
      assert.equal(new Set(first).size, 50);
      for (const nick of first) assert.equal(isValidNick(nick, { nickLen: 9 }), true, nick);
    });

    it("gives up with GW_ERR_NICK_IN_USE when the suffix leaves no room", () => {
      assert.equal(nextNickCandidate("ab", 9, 3), "a_9");
      assertCode(() => nextNickCandidate("ab", 10, 3), "GW_ERR_NICK_IN_USE", "attempt 10 at NICKLEN 3");
    });

    it("refuses an attempt that is not a non-negative integer", () => {
      for (const attempt of [-1, 1.5, Number.NaN]) assertCode(() => nextNickCandidate("bob", attempt, 9), "GW_ERR_INTERNAL", String(attempt));
    });
  });

  describe("isChannelName", () => {
    it("accepts names that start with one of CHANTYPES, #& by default", () => {
      for (const name of ["#chan", "&local", "##meta", "#café", "#a:b", "#日本"]) assert.equal(isChannelName(name), true, name);
      assert.equal(isChannelName("+modeless", "#&+!"), true);
      assert.equal(isChannelName("+modeless"), false);
      assert.equal(isChannelName("&local", "#"), false);
      assert.equal(isChannelName("#chan", ""), false);
    });

    it("refuses a nick, a bare prefix and names with space, comma, BEL, NUL, CR or LF", () => {
      for (const name of ["alice", "#", "", "#a b", "#a,b", "#a\u0007", "#a\u0000", "#a\rb", "#a\nJOIN #evil"]) assert.equal(isChannelName(name), false, JSON.stringify(name));
    });

    it("applies CHANNELLEN in bytes when given", () => {
      assert.equal(isChannelName("#abcd", "#", 5), true);
      assert.equal(isChannelName("#abcde", "#", 5), false);
      assert.equal(isChannelName("#café", "#", 5), false);
    });
  });

  describe("puppetNickCandidates", () => {
    it("offers the template's nick, then a number after the name, kept whole within NICKLEN", () => {
      const first = (count: number, name: string, nickLen: number): string[] => {
        const out: string[] = [];
        for (const nick of puppetNickCandidates("{name}[sb]", { name }, { nickLen })) {
          out.push(nick);
          if (out.length === count) break;
        }
        return out;
      };
      assert.deepEqual(first(3, "bob", 30), ["bob[sb]", "bob2[sb]", "bob3[sb]"]);
      assert.deepEqual(first(2, "roberta", 9), ["rober[sb]", "robe2[sb]"], "the name shortened, the number whole");
      assert.equal(first(11, "bob", 30).at(-1), "bob11[sb]");
    });
  });
});
