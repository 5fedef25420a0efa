/** ContactInfoService: the checks, limit and timeout every kind of contact information shares. */
import assert from "node:assert/strict";
import type { Adapter } from "../../../src/core/adapter.js";
import { ORIGIN_FACTOR } from "../../../src/core/asker-origin.js";
import { ContactInfoService, PER_MINUTE } from "../../../src/core/contact-info.js";
import { GatewayError } from "../../../src/core/errors.js";
import { makeAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import type { ContactInfo } from "../../../src/core/model/contact-info.js";

const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("irc", "libera", "bob");
const standIn = makeAddress("xmpp", "gw", "carol@gw.example.org");
const carol = makeAddress("native", "default", "carol");

/** An IRC server on demand: "irc.example.net" is connected when obtained, "denied.example.net" refused. */
const ON_DEMAND = ["irc.example.net", "denied.example.net"];

function service(answer: (subject: Address) => Promise<ContactInfo>, options: { now?: () => number; timeoutMs?: number } = {}) {
  const asked: Address[] = [];
  const obtained: Address[] = [];
  const irc = { isRoom: (address: Address) => address.id.startsWith("#"), contactInfo: (subject: Address) => (asked.push(subject), answer(subject)) } as unknown as Adapter;
  const native = { contactInfo: (subject: Address) => (asked.push(subject), answer(subject)) } as unknown as Adapter;
  const xmpp = { standsFor: (address: Address) => (sameAddress(address, standIn) ? carol : undefined) } as unknown as Adapter;
  const registry = {
    for: (address: Address) => (address.account === "nowhere" || ON_DEMAND.includes(address.account) ? undefined : { irc, native, xmpp }[address.protocol]),
    isOnDemand: (protocol: string, name: string) => protocol === "irc" && ON_DEMAND.includes(name),
    isRoomOnDemand: () => false,
    obtain: async (address: Address) => {
      obtained.push(address);
      if (address.account === "denied.example.net") throw new GatewayError("GW_ERR_FORBIDDEN", "not allowed");
      return ON_DEMAND.includes(address.account) ? irc : undefined;
    },
  };
  const checkOwnership = (a: Address, b: Address): void => {
    if (b.account === "u.other") throw new GatewayError("GW_ERR_FORBIDDEN", `${a.id} may not`);
  };
  return { lookups: new ContactInfoService({ registry, checkOwnership, ...options }), asked, obtained };
}

describe("ContactInfoService", () => {
  it("asks the subject's network, and cleans what it says", async () => {
    const { lookups } = service(async () => ({ nick: "bob\u0000", fullName: "  Bob\nBuilder ", idleSeconds: -1 }));
    assert.deepEqual(await lookups.lookup(alice, bob), { nick: "bob", fullName: "Bob Builder" });
  });

  it("asks about a JID of the gateway's own domain as whom it stands for", async () => {
    const { lookups, asked } = service(async (subject) => ({ nick: subject.id }));
    assert.deepEqual(await lookups.lookup(alice, standIn), { nick: "carol" });
    assert.deepEqual(asked, [carol]);
  });

  it("refuses a room, another's own account's contact, a network without information and one nobody serves", async () => {
    const { lookups, asked } = service(async () => ({}));
    await assert.rejects(lookups.lookup(alice, makeAddress("irc", "libera", "#dev")), { code: "GW_ERR_BAD_ADDRESS" });
    await assert.rejects(lookups.lookup(alice, makeAddress("native", "u.other", "x")), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(lookups.lookup(alice, makeAddress("irc", "nowhere", "x")), { code: "GW_ERR_NO_ROUTE" });
    await assert.rejects(lookups.lookup(alice, makeAddress("xmpp", "gw", "dave@example.org")), { code: "GW_ERR_UNSUPPORTED" });
    assert.deepEqual(asked, []);
  });

  it("connects an IRC server on demand for a lookup of one of its people, counted first, and passes on its refusal", async () => {
    let now = 1_000_000;
    const { lookups, asked, obtained } = service(async (subject) => ({ nick: subject.id }), { now: () => now });
    const dave = makeAddress("irc", "irc.example.net", "dave");
    assert.deepEqual(await lookups.lookup(alice, dave), { nick: "dave" });
    assert.deepEqual([obtained, asked], [[dave], [dave]]);
    await assert.rejects(lookups.lookup(alice, makeAddress("irc", "denied.example.net", "eve")), { code: "GW_ERR_FORBIDDEN" });
    await assert.rejects(lookups.lookup(alice, makeAddress("irc", "irc.example.net", "#dev")), { code: "GW_ERR_BAD_ADDRESS" });
    for (let i = 3; i < PER_MINUTE; i++) await lookups.lookup(alice, dave);
    const before = obtained.length;
    await assert.rejects(lookups.lookup(alice, dave), { code: "GW_ERR_RATE_LIMITED" });
    assert.equal(obtained.length, before, "past the limit, nothing is connected");
    now += 60_001;
    await lookups.lookup(alice, dave);
  });

  it(`allows ${PER_MINUTE} lookups a minute per asker, then GW_ERR_RATE_LIMITED until the minute has passed`, async () => {
    let now = 1_000_000;
    const { lookups } = service(async () => ({}), { now: () => now });
    for (let i = 0; i < PER_MINUTE; i++) await lookups.lookup(alice, bob);
    await assert.rejects(lookups.lookup(alice, bob), { code: "GW_ERR_RATE_LIMITED" });
    await lookups.lookup(carol, bob);
    now += 60_001;
    await lookups.lookup(alice, bob);
  });

  it(`counts the JIDs of one XMPP server together too: ${ORIGIN_FACTOR} askers' allowance in all, other servers apart`, async () => {
    const { lookups, asked } = service(async () => ({}));
    const from = (server: string, n: number): Address => makeAddress("xmpp", "default", `u${n}@${server}`);
    for (let n = 0; n < PER_MINUTE * ORIGIN_FACTOR; n++) await lookups.lookup(from("spam.example", n), bob);
    await assert.rejects(lookups.lookup(from("SPAM.example", 999), bob), { code: "GW_ERR_RATE_LIMITED" }, "a new JID of the same server");
    await lookups.lookup(from("example.org", 0), bob);
    await lookups.lookup(alice, bob);
    assert.equal(asked.length, PER_MINUTE * ORIGIN_FACTOR + 2);
  });

  it("gives up on a network that does not answer: GW_ERR_UNAVAILABLE, condition timeout", async () => {
    const { lookups } = service(() => new Promise<ContactInfo>(() => undefined), { timeoutMs: 20 });
    await assert.rejects(lookups.lookup(alice, bob), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_UNAVAILABLE" && error.condition === "timeout");
  });
});
