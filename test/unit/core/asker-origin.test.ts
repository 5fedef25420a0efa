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

  it("counts an IP literal by the network one owner gets at least: IPv6 by its /48, IPv4 by its /24", () => {
    assert.equal(registrableDomain("192.0.2.7"), "192.0.2.0/24");
    assert.equal(registrableDomain("192.0.2.200"), registrableDomain("192.0.2.7"));
    assert.notEqual(registrableDomain("192.0.3.7"), registrableDomain("192.0.2.7"));
    assert.equal(registrableDomain("[2001:db8:1:2::1]"), "[2001:db8:1::]/48");
    assert.equal(registrableDomain("[2001:DB8:1:ffff:1:2:3:4]"), registrableDomain("[2001:db8:1::5]"), "one /48: a /64 is no longer 2^64 domains");
    assert.notEqual(registrableDomain("[2001:db8:2::1]"), registrableDomain("[2001:db8:1::1]"));
    assert.equal(registrableDomain("[not an address]"), "[not an address]");
  });

  it("gives an XMPP asker a server and a registrable domain, and no other network's", () => {
    const eve = makeAddress("xmpp", "default", "eve@s42.Evil.example/phone");
    assert.equal(askerOrigin(eve), "xmpp-server:s42.evil.example");
    assert.equal(askerDomainOrigin(eve), "xmpp-domain:evil.example");
    assert.equal(askerDomainOrigin(makeAddress("native", "default", "eve")), undefined);
  });
});
