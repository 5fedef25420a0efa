/** IRC hostmasks in block lists (core/block-masks.ts) and the senders they are matched against (core/sender-hosts.ts). */
import assert from "node:assert/strict";
import { maskForm, maskMatches } from "../../../src/core/block-masks.js";
import { hasErrorCode } from "../../../src/core/errors.js";
import { makeAddress } from "../../../src/core/model/address.js";
import { SenderHosts } from "../../../src/core/sender-hosts.js";

describe("block masks", () => {
  it("keeps a mask with its nick folded as nicks are and its user and host lower-cased", () => {
    assert.equal(maskForm("Eve[x]!~Eve@Evil.Example.ORG"), "eve{x}!~eve@evil.example.org");
  });

  it("refuses what is not nick!user@host", () => {
    for (const bad of ["*@host", "eve!host", "a!b@c@d", "*!*@", "!u@h"]) {
      assert.throws(() => maskForm(bad), (error: unknown) => hasErrorCode(error, "GW_ERR_BAD_ADDRESS"), bad);
    }
  });

  it("matches * and ? as IRC's /ignore does, in any case, and nothing else as a pattern", () => {
    assert.ok(maskMatches(maskForm("*!*@evil.example.org"), "Eve!~eve@EVIL.example.org"));
    assert.ok(maskMatches(maskForm("*!~eve@*"), "Other!~eve@10.0.0.1"));
    assert.ok(maskMatches(maskForm("ev?!*@*"), "EVA!x@y"));
    assert.ok(maskMatches(maskForm("e[v]e!*@*"), "E{V}E!x@y"), "rfc1459: [] are {} in upper case");
    assert.ok(!maskMatches(maskForm("*!*@evil.example.org"), "eve!~eve@evilXexample.org"), "a dot is a dot");
    assert.ok(!maskMatches(maskForm("*!*@evil.example.org"), "eve!~eve@not.evil.example.org"));
    assert.ok(!maskMatches(maskForm("ev?!*@*"), "evve!x@y"));
  });

  it("answers at once for a mask of many wildcards against a long prefix, so that no one's block holds up a room's lines", function () {
    this.timeout(1000);
    // A backtracking pattern takes seconds here (and hours with a few more stars), every line from that network.
    const mask = maskForm(`${"*a".repeat(5)}*b!*@*`);
    assert.ok(!maskMatches(mask, `${"a".repeat(30)}!${"a".repeat(10)}@${"a".repeat(40)}`));
    assert.ok(maskMatches(mask, `${"a".repeat(30)}b!${"a".repeat(10)}@${"a".repeat(40)}`));
  });

  it("refuses a mask longer than any sender's prefix can be", () => {
    assert.throws(() => maskForm(`${"*".repeat(300)}!*@*`), (error: unknown) => hasErrorCode(error, "GW_ERR_BAD_ADDRESS"));
    assert.equal(maskForm(`*!*@${"h".repeat(240)}`), `*!*@${"h".repeat(240)}`);
  });
});

describe("SenderHosts", () => {
  const eve = makeAddress("irc", "libera", "eve");
  const eve2 = makeAddress("irc", "libera", "eve2");

  it("knows a sender's prefix and the nicks of that user@host until it is seen to quit", () => {
    const hosts = new SenderHosts();
    const libera = hosts.of("Libera");
    libera.seen("Eve", "~eve", "Evil.Example.org");
    assert.deepEqual(hosts.seenAs(eve), { prefix: "Eve!~eve@evil.example.org", nicks: ["eve"] });
    libera.renamed("Eve", "Eve2");
    assert.equal(hosts.seenAs(eve), undefined, "the nick is free");
    assert.deepEqual(hosts.seenAs(eve2), { prefix: "Eve2!~eve@evil.example.org", nicks: ["eve", "eve2"] });
    libera.quit("eve2");
    libera.seen("eve2", "~eve", "evil.example.org");
    assert.deepEqual(hosts.seenAs(eve2)?.nicks, ["eve2"], "a new connection starts afresh");
  });

  it("keeps a nick the same user@host had though the NICK was not seen, and networks apart", () => {
    const hosts = new SenderHosts();
    hosts.of("libera").seen("eve", "~eve", "h");
    hosts.of("libera").seen("eve2", "~eve", "h");
    hosts.of("oftc").seen("eve2", "~other", "h");
    assert.deepEqual(hosts.seenAs(eve2)?.nicks, ["eve", "eve2"]);
    assert.deepEqual(hosts.seenAs(makeAddress("irc", "oftc", "eve2"))?.nicks, ["eve2"]);
    assert.equal(hosts.seenAs(makeAddress("native", "default", "eve2")), undefined);
  });
});
