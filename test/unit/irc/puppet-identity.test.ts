import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import type { IrcWebircConfig } from "../../../src/config/config-types.js";
import { MAX_HOST_LENGTH, puppetHostLabel, puppetIdentity, puppetIp, puppetUsername } from "../../../src/adapters/irc/puppet-identity.js";
import { parseIpv6, parseIpv6Prefix } from "../../../src/util/ipv6-prefix.js";

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("native", "default", "bob");
const webirc: IrcWebircConfig = { password: "pw", gateway: "switchboard", ipv6_prefix: "fd00:5b::/64", host_suffix: "users.switchboard.example" };

function inPrefix(ip: string, prefix: string): boolean {
  const parsed = parseIpv6Prefix(prefix) ?? assert.fail(prefix);
  const value = parseIpv6(ip) ?? assert.fail(ip);
  return value >> BigInt(128 - parsed.length) === parsed.network >> BigInt(128 - parsed.length);
}

describe("a puppet's identity (puppet-identity)", () => {
  it("is the same for one person each time it is made", () => {
    assert.deepEqual(puppetIdentity(key, alice, webirc), puppetIdentity(Buffer.from(key), makeAddress("native", "default", "alice"), webirc));
  });

  it("differs between two people, in user name, IP and host", () => {
    const a = puppetIdentity(key, alice, webirc);
    const b = puppetIdentity(key, bob, webirc);
    assert.notEqual(a.username, b.username);
    assert.notEqual(a.webirc?.ip, b.webirc?.ip);
    assert.notEqual(a.webirc?.host, b.webirc?.host);
  });

  it("cannot be made from the name alone: another gateway secret gives another IP, host and user name", () => {
    const a = puppetIdentity(key, alice, webirc);
    const b = puppetIdentity(otherKey, alice, webirc);
    assert.notEqual(a.webirc?.ip, b.webirc?.ip);
    assert.notEqual(a.webirc?.host, b.webirc?.host);
    assert.notEqual(a.username, b.username);
  });

  it("puts the IP inside the configured prefix, also for prefixes shorter than /64", () => {
    for (const prefix of ["fd00:5b::/64", "fd00:5b:1::/48", "2001:db8::/32"]) {
      const ip = puppetIp(key, alice, prefix);
      assert.ok(inPrefix(ip, prefix), `${ip} in ${prefix}`);
      assert.equal(parseIpv6(ip) === undefined, false);
    }
  });

  it("writes the IP in its canonical form, as servers show it", () => {
    assert.match(puppetIp(key, alice, "FD00:005B:0000::/64"), /^fd00:5b:0:0(:[0-9a-f]{1,4}){4}$|^fd00:5b::/);
  });

  it("makes the host <label>.<suffix>, the label DNS-safe and the whole within 63 characters", () => {
    const names = ["alice", "Ålice Smith!", "a".repeat(200), "日本語", "--x--", "9lives"];
    for (const name of names) {
      const person = makeAddress("native", "default", name);
      const host = puppetIdentity(key, person, webirc).webirc?.host ?? assert.fail("no host");
      assert.ok(host.endsWith(".users.switchboard.example"), host);
      assert.ok(host.length <= MAX_HOST_LENGTH, host);
      const label = host.slice(0, -".users.switchboard.example".length);
      assert.match(label, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, label);
      assert.ok(label.length <= 63, label);
    }
    assert.match(puppetHostLabel(key, alice), /^alice-[0-9a-f]{6}$/);
    assert.match(puppetHostLabel(key, makeAddress("native", "default", "Ålice Smith!")), /^alice-smith-[0-9a-f]{6}$/);
  });

  it("tells apart two names that fold to the same label", () => {
    const a = puppetHostLabel(key, makeAddress("native", "default", "a.b"));
    const b = puppetHostLabel(key, makeAddress("native", "default", "a_b"));
    assert.ok(a.startsWith("a-b-") && b.startsWith("a-b-"));
    assert.notEqual(a, b);
  });

  it("shows the IP as the host without a host suffix", () => {
    const identity = puppetIdentity(key, alice, { ...webirc, host_suffix: "" });
    assert.equal(identity.webirc?.host, identity.webirc?.ip);
  });

  it("has no WEBIRC part where the network has no webirc block, and a user name of its own all the same", () => {
    const identity = puppetIdentity(key, alice, { ...webirc, password: "" });
    assert.equal(identity.webirc, undefined);
    assert.equal(identity.username, puppetUsername(key, alice));
  });

  it("makes user names of at most 10 letters and digits, starting with a letter", () => {
    for (const name of ["alice", "Ålice Smith!", "9lives", "日本語", "x".repeat(40)]) {
      assert.match(puppetUsername(key, makeAddress("native", "default", name)), /^[a-z][a-z0-9]{1,9}$/);
    }
    assert.match(puppetUsername(key, alice), /^alice[0-9a-f]{5}$/);
  });
});
