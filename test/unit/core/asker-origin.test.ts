import assert from "node:assert/strict";
import { askerDomainOrigin, askerOrigin, registrableDomain } from "../../../src/core/asker-origin.js";
import { makeAddress } from "../../../src/core/model/address.js";

describe("asker origins (core/asker-origin.ts)", () => {
  it("takes the last two labels of a domain as the one registered", () => {
    assert.equal(registrableDomain("evil.example"), "evil.example");
    assert.equal(registrableDomain("a.b.c.Evil.Example."), "evil.example");
    assert.equal(registrableDomain("localhost"), "localhost");
    assert.equal(registrableDomain("xmpp.example.de"), "example.de");
  });

  it("takes three labels under a common second level of a two-letter country TLD", () => {
    assert.equal(registrableDomain("chat.a.example.co.uk"), "example.co.uk");
    assert.equal(registrableDomain("s1.example.com.au"), "example.com.au");
    assert.equal(registrableDomain("jabber.example.ne.jp"), "example.ne.jp");
    assert.equal(registrableDomain("x.example.or.jp"), "example.or.jp");
    assert.equal(registrableDomain("co.uk"), "co.uk");
    assert.equal(registrableDomain("a.example.co.com"), "co.com", "a generic TLD has no such second level");
  });

  it("counts an IP literal as its own domain", () => {
    assert.equal(registrableDomain("192.0.2.7"), "192.0.2.7");
    assert.equal(registrableDomain("[2001:db8::1]"), "[2001:db8::1]");
  });

  it("gives an XMPP asker a server and a registrable domain, and no other network's", () => {
    const eve = makeAddress("xmpp", "default", "eve@s42.Evil.example/phone");
    assert.equal(askerOrigin(eve), "xmpp-server:s42.evil.example");
    assert.equal(askerDomainOrigin(eve), "xmpp-domain:evil.example");
    assert.equal(askerDomainOrigin(makeAddress("native", "default", "eve")), undefined);
  });
});
