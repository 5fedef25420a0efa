import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { IdentityService } from "../../../src/core/identities.js";
import { codeCandidates } from "../../../src/core/link-codes.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, makeAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import type { IdentityLinkRecord, IdentityStore, LinkProofRecord } from "../../../src/store/store.js";

/** A map-backed IdentityStore with the contract's semantics (the SQLite one has its own contract suite). */
class MemoryIdentities implements IdentityStore {
  readonly links = new Map<string, IdentityLinkRecord>();
  readonly proofs = new Map<string, LinkProofRecord>();
  readonly requests: { person: string; at: number }[] = [];
  /** People whose account is being deleted: their links are refused, as the SQLite store refuses them. */
  readonly deleting = new Set<string>();
  private key(person: Address, address: Address): string {
    return `${addressKey(person)} ${addressKey(address)}`;
  }
  async link(record: IdentityLinkRecord): Promise<boolean> {
    if (this.deleting.has(addressKey(record.person))) throw new GatewayError("GW_ERR_NOT_FOUND", `no user ${record.person.id}`);
    if (this.links.has(addressKey(record.address))) return false;
    this.links.set(addressKey(record.address), record);
    return true;
  }
  async unlink(person: Address, address: Address): Promise<boolean> {
    const link = this.links.get(addressKey(address));
    if (!link || !sameAddress(link.person, person)) return false;
    return this.links.delete(addressKey(address));
  }
  async linksOf(person: Address): Promise<IdentityLinkRecord[]> {
    return [...this.links.values()].filter((link) => sameAddress(link.person, person));
  }
  async personOf(address: Address): Promise<IdentityLinkRecord | undefined> {
    return this.links.get(addressKey(address));
  }
  async allLinks(): Promise<IdentityLinkRecord[]> {
    return [...this.links.values()];
  }
  async putProof(proof: LinkProofRecord): Promise<void> {
    this.proofs.set(this.key(proof.person, proof.address), proof);
    this.requests.push({ person: addressKey(proof.person), at: proof.createdAt });
  }
  async proofsFor(address: Address): Promise<LinkProofRecord[]> {
    return [...this.proofs.values()].filter((proof) => sameAddress(proof.address, address));
  }
  async proofsAskedSince(person: Address, since: number): Promise<number> {
    return this.requests.filter((request) => request.person === addressKey(person) && request.at >= since).length;
  }
  async recordAttempt(person: Address, address: Address): Promise<number> {
    const proof = this.proofs.get(this.key(person, address));
    if (!proof) return 0;
    this.proofs.set(this.key(person, address), { ...proof, attempts: proof.attempts + 1 });
    return proof.attempts + 1;
  }
  async removeProof(person: Address, address: Address): Promise<boolean> {
    return this.proofs.delete(this.key(person, address));
  }
  async removeExpiredProofs(now: number): Promise<number> {
    let removed = 0;
    for (const [key, proof] of this.proofs) if (proof.expiresAt <= now && this.proofs.delete(key)) removed++;
    return removed;
  }
}

/** An XMPP-like network adapter that records what the gateway says on it. */
function network(said: { to: string; text: string }[]): Adapter {
  return {
    protocol: "xmpp",
    account: "default",
    capabilities: { directMessages: true, rooms: false, presence: true, subscriptions: true, typing: false, actions: true, notices: false, corrections: false, relaysRooms: false, puppets: false },
    sendServiceMessage: async (to: Address, text: string) => void said.push({ to: addressKey(to), text }),
  } as unknown as Adapter;
}

/** A native-like adapter whose users in `online` have sessions: it records the codes pushed to them. */
function sessions(pushed: { to: string; address: string; code: string }[], online: Set<string>): Adapter {
  return {
    protocol: "native",
    account: "default",
    capabilities: { directMessages: true, rooms: true, presence: true, subscriptions: true, typing: true, actions: true, notices: true, corrections: true, relaysRooms: false, puppets: false },
    identityCode: async (person: Address, address: Address, code: string) => {
      if (!online.has(person.id)) return false;
      pushed.push({ to: person.id, address: addressKey(address), code });
      return true;
    },
  } as unknown as Adapter;
}

const alice = makeAddress("native", "default", "alice");
const mallory = makeAddress("native", "default", "mallory");
const juliet = makeAddress("xmpp", "default", "juliet@example.org");
const eve = makeAddress("xmpp", "default", "eve@example.org");

describe("linking accounts with a one-time code", () => {
  let store: MemoryIdentities;
  let said: { to: string; text: string }[];
  let now: number;
  let changes: string[];
  let service: IdentityService;
  let pushed: { to: string; address: string; code: string }[];
  let online: Set<string>;

  beforeEach(async () => {
    pushed = [];
    online = new Set(["alice"]);
    store = new MemoryIdentities();
    said = [];
    now = 1_000_000;
    changes = [];
    const registry = new AdapterRegistry();
    registry.register(network(said));
    registry.register(sessions(pushed, online));
    service = new IdentityService({ store, registry, log: createLogger("silent"), now: () => now, onChange: (person, address, linked) => changes.push(`${person.id} ${address.id} ${linked}`) });
    await service.start();
  });

  function sentCode(): string {
    const text = said.at(-1)?.text ?? "";
    const code = /([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(text)?.[1];
    assert.ok(code, `a code in "${text}"`);
    return code;
  }

  it("finds codes as people type them", () => {
    assert.deepEqual(codeCandidates("my code is abcd-efgh, thanks"), ["ABCDEFGH"]);
    assert.deepEqual(codeCandidates("ABCD EFGH"), ["ABCDEFGH"]);
    assert.deepEqual(codeCandidates("ABCDEFGH"), ["ABCDEFGH"]);
    assert.deepEqual(codeCandidates("ABCDEFGHI and abc"), []);
    // A four-letter word before the code must not take its first half.
    assert.ok(codeCandidates("here is my code 5sau bnrx").includes("5SAUBNRX"));
    assert.ok(codeCandidates("ok this 5SAU-BNRX thanks").includes("5SAUBNRX"));
  });

  it("sends a code to the account and links it when the code comes back from there", async () => {
    const { expiresAt } = await service.request(alice, juliet);
    assert.equal(expiresAt, now + 10 * 60 * 1000);
    assert.equal(said[0]?.to, "xmpp:juliet@example.org");
    assert.match(said[0]?.text ?? "", /native:alice asks to link this account/);
    const stored = [...store.proofs.values()][0]?.codeHash ?? "";
    assert.match(stored, /^[0-9a-f]{64}$/, "an HMAC-SHA-256 is stored");
    assert.equal(stored.toUpperCase().includes(sentCode().replace("-", "")), false, "not the code itself");

    assert.equal(await service.serviceMessage(juliet, sentCode().toLowerCase()), true);
    assert.ok(sameAddress(service.personOf(juliet) ?? eve, alice));
    assert.deepEqual(service.linkedTo(alice), [juliet]);
    assert.deepEqual(changes, ["alice juliet@example.org true"]);
    assert.match(said.at(-1)?.text ?? "", /now linked to native:alice/);
    assert.equal(store.proofs.size, 0, "the code is used up");
  });

  it("links nothing when the code comes back once the person's account began to be deleted, and says so", async () => {
    await service.request(alice, juliet);
    store.deleting.add(addressKey(alice));
    assert.equal(await service.serviceMessage(juliet, sentCode()), true);
    assert.equal(service.personOf(juliet), undefined);
    assert.deepEqual(service.storedLinks(), []);
    assert.deepEqual(changes, []);
    assert.match(said.at(-1)?.text ?? "", /not linked: native:alice is no longer a user/);
  });

  it("forgets, once the person's account is removed, a link memory kept and the store no longer has", async () => {
    await service.request(alice, juliet);
    await service.serviceMessage(juliet, sentCode());
    await service.request(mallory, eve);
    await service.serviceMessage(eve, sentCode());
    store.links.delete(addressKey(juliet)); // the deletion's finish
    await service.personRemoved(alice);
    assert.equal(service.personOf(juliet), undefined);
    assert.deepEqual(service.linkedTo(alice), []);
    assert.ok(sameAddress(service.personOf(eve) ?? juliet, mallory), "another person's link stays");
    assert.deepEqual(changes.slice(2), ["alice juliet@example.org false"]);
  });

  it("ignores the right code from another account, and answers false where no code waits", async () => {
    await service.request(alice, juliet);
    const code = sentCode();
    assert.equal(await service.serviceMessage(eve, code), false);
    assert.equal(service.personOf(juliet), undefined);
  });

  it("voids a code after five wrong answers", async () => {
    await service.request(alice, juliet);
    const code = sentCode();
    for (let i = 0; i < 5; i++) assert.equal(await service.serviceMessage(juliet, "ZZZZ-ZZZZ"), true);
    assert.equal(await service.serviceMessage(juliet, code), false, "no code waits any more");
    assert.equal(service.personOf(juliet), undefined);
  });

  it("refuses an expired code", async () => {
    await service.request(alice, juliet);
    const code = sentCode();
    now += 10 * 60 * 1000;
    assert.equal(await service.serviceMessage(juliet, code), false);
    assert.equal(service.personOf(juliet), undefined);
  });

  it("refuses native addresses, networks that cannot send, accounts linked already, and a sixth code in an hour", async () => {
    await assert.rejects(service.request(alice, mallory), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_BAD_ADDRESS");
    await assert.rejects(service.request(alice, makeAddress("irc", "libera", "bob")), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_NO_ROUTE");
    await service.request(alice, juliet);
    await service.serviceMessage(juliet, sentCode());
    await assert.rejects(service.request(mallory, juliet), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_ALREADY_LINKED");
    for (let i = 0; i < 4; i++) await service.request(alice, eve);
    await assert.rejects(service.request(alice, eve), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_RATE_LIMITED");
    now += 60 * 60 * 1000 + 1;
    await service.request(alice, eve);
  });

  it("unlinks at once, only the person's own link", async () => {
    await service.request(alice, juliet);
    await service.serviceMessage(juliet, sentCode());
    await assert.rejects(service.unlink(mallory, juliet), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_NOT_FOUND");
    await service.unlink(alice, juliet);
    assert.equal(service.personOf(juliet), undefined);
    assert.deepEqual(changes, ["alice juliet@example.org true", "alice juliet@example.org false"]);
  });

  it("started from the other account: sends the code to the person's sessions and links once they confirm it", async () => {
    assert.equal(await service.serviceMessage(juliet, "link Alice"), true);
    assert.match(said.at(-1)?.text ?? "", /a code went to native:alice's Switchboard sessions/);
    assert.equal(said.at(-1)?.text.includes(pushed[0]?.code ?? "?"), false, "the requester never sees the code");
    assert.deepEqual(pushed.map((push) => [push.to, push.address]), [["alice", "xmpp:juliet@example.org"]]);
    const code = pushed[0]?.code ?? "";
    await assert.rejects(service.confirm(mallory, code), { code: "GW_ERR_NOT_FOUND" }, "only alice can confirm her code");
    assert.equal(await service.serviceMessage(juliet, code), false, "nor can it come back from the account that asked");
    assert.ok(sameAddress(await service.confirm(alice, code.toLowerCase()), juliet));
    assert.ok(sameAddress(service.personOf(juliet) ?? eve, alice));
    assert.deepEqual(changes, ["alice juliet@example.org true"]);
    assert.match(said.at(-1)?.text ?? "", /now linked to native:alice/);
    await assert.rejects(service.confirm(alice, code), { code: "GW_ERR_NOT_FOUND" }, "single use");
  });

  it("started from the other account: stores nothing while the person has no session, voids after five wrong codes and expires", async () => {
    online.clear();
    await service.serviceMessage(juliet, "link alice");
    assert.match(said.at(-1)?.text ?? "", /has no Switchboard session now/);
    await service.serviceMessage(juliet, "link nobody");
    assert.match(said.at(-1)?.text ?? "", /has no Switchboard session now/, "an unknown user gets the same answer");
    await assert.rejects(service.confirm(alice, "ABCD-EFGH"), { code: "GW_ERR_NOT_FOUND" });

    online.add("alice");
    await service.serviceMessage(juliet, "link alice");
    const code = pushed.at(-1)?.code ?? "";
    for (let i = 0; i < 5; i++) await assert.rejects(service.confirm(alice, "ZZZZ-ZZZZ"), { code: "GW_ERR_NOT_FOUND" });
    await assert.rejects(service.confirm(alice, code), { code: "GW_ERR_NOT_FOUND" }, "voided");

    await service.serviceMessage(eve, "link alice");
    now += 10 * 60 * 1000;
    await assert.rejects(service.confirm(alice, pushed.at(-1)?.code ?? ""), { code: "GW_ERR_NOT_FOUND" }, "expired");
    assert.equal(service.personOf(eve), undefined);
  });

  it("started from other accounts: three codes an hour from one, five to one person, none of them the person's own", async () => {
    for (let i = 0; i < 3; i++) await service.serviceMessage(juliet, "link alice");
    const prompts = pushed.length;
    await service.serviceMessage(juliet, "link alice");
    assert.match(said.at(-1)?.text ?? "", /this account asked for 3 link codes this hour/);
    for (let i = 0; i < 2; i++) await service.serviceMessage(eve, "link alice");
    await service.serviceMessage(makeAddress("xmpp", "default", "trudy@example.org"), "link alice");
    assert.match(said.at(-1)?.text ?? "", /native:alice was sent 5 link codes from other accounts this hour/);
    assert.equal(pushed.length, prompts + 2, "her sessions got five prompts in all, no more");
    // A stranger's requests do not use up her own: she still links an account herself.
    await service.request(alice, makeAddress("xmpp", "default", "alice2@example.org"));
    now += 61 * 60 * 1000;
    await service.serviceMessage(juliet, "link alice");
    assert.match(said.at(-1)?.text ?? "", /a code went to native:alice's Switchboard sessions/, "an hour later");
  });

  it("started from the other account: refuses accounts linked already", async () => {
    await service.serviceMessage(juliet, "link alice");
    await service.confirm(alice, pushed.at(-1)?.code ?? "");
    await service.serviceMessage(juliet, "link alice");
    assert.match(said.at(-1)?.text ?? "", /already linked to native:alice/);
    await service.serviceMessage(juliet, "link mallory");
    assert.match(said.at(-1)?.text ?? "", /this account is linked to native:alice; to link it to native:mallory instead, native:alice unlinks it first/);
  });

  it("restores links from the store at start", async () => {
    await store.link({ person: alice, address: juliet, linkedAt: 1 });
    const again = new IdentityService({ store, registry: new AdapterRegistry(), log: createLogger("silent") });
    await again.start();
    assert.ok(sameAddress(again.personOf(juliet) ?? eve, alice));
  });
});

describe("links bound to the network's own account", () => {
  const nick = makeAddress("irc", "libera", "alice");
  let store: MemoryIdentities;
  let said: { to: string; text: string }[];
  let changes: string[];
  let watched: string[];
  /** What linkAccount answers: the account the nick is logged in to, or the error the network's policy gives. */
  let answer: string | undefined | GatewayError;
  let service: IdentityService;

  function ircNetwork(): Adapter {
    return {
      protocol: "irc",
      account: "libera",
      capabilities: { directMessages: true, rooms: true, presence: true, subscriptions: true, typing: false, actions: true, notices: true, corrections: false, relaysRooms: true, puppets: true },
      sendServiceMessage: async (to: Address, text: string) => void said.push({ to: addressKey(to), text }),
      linkAccount: async () => {
        if (answer instanceof GatewayError) throw answer;
        return answer;
      },
      watchAccount: async (address: Address) => void watched.push(addressKey(address)),
      unwatchAccount: async (address: Address) => void watched.splice(watched.indexOf(addressKey(address)), 1),
    } as unknown as Adapter;
  }

  beforeEach(async () => {
    store = new MemoryIdentities();
    said = [];
    changes = [];
    watched = [];
    answer = "AliceAcct";
    const registry = new AdapterRegistry();
    registry.register(ircNetwork());
    service = new IdentityService({ store, registry, log: createLogger("silent"), onChange: (person, address, linked) => changes.push(`${person.id} ${address.id} ${linked}`) });
    await service.start();
  });

  async function link(): Promise<void> {
    await service.request(alice, nick);
    const code = /([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(said.at(-1)?.text ?? "")?.[1] ?? "";
    assert.equal(await service.serviceMessage(nick, code), true);
  }

  it("binds the link to the account the nick is logged in to, and watches that account", async () => {
    await link();
    assert.equal(store.links.get(addressKey(nick))?.account, "AliceAcct");
    assert.ok(sameAddress(service.personOf(nick) ?? eve, alice));
    assert.deepEqual(changes, ["alice alice true"]);
    assert.deepEqual(watched, [addressKey(nick)]);
    assert.match(said.at(-1)?.text ?? "", /only while you are logged in to the account AliceAcct/);
  });

  it("stops watching the account of a nick once it is unlinked", async () => {
    await link();
    await service.unlink(alice, nick);
    assert.deepEqual(watched, []);
    service.accountSeen(nick, "AliceAcct");
    assert.equal(service.personOf(nick), undefined, "an account report for it links nothing again");
  });

  it("counts a bound link only while its nick is logged in to that account, and says each change once", async () => {
    await link();
    service.accountSeen(nick, undefined);
    assert.equal(service.personOf(nick), undefined, "logged out: a stranger");
    assert.deepEqual(service.linkedTo(alice), []);
    assert.deepEqual(service.allLinks(), []);
    assert.equal(service.storedLinks().length, 1, "still linked, still watched");
    service.accountSeen(nick, "MalloryAcct");
    assert.equal(service.personOf(nick), undefined, "another account: a stranger");
    service.accountSeen(nick, "aliceacct");
    assert.ok(sameAddress(service.personOf(nick) ?? eve, alice), "account names compare case-insensitively");
    assert.deepEqual(service.linkedTo(alice).map(addressKey), [addressKey(nick)]);
    service.accountSeen(nick, "AliceAcct");
    assert.deepEqual(changes, ["alice alice true", "alice alice false", "alice alice true"]);
  });

  it("counts a bound link restored at start only once the account is seen", async () => {
    await link();
    const again = new IdentityService({ store, registry: new AdapterRegistry(), log: createLogger("silent") });
    await again.start();
    assert.equal(again.personOf(nick), undefined);
    assert.equal(again.storedLinks()[0]?.account, "AliceAcct");
    again.accountSeen(nick, "AliceAcct");
    assert.ok(sameAddress(again.personOf(nick) ?? eve, alice));
  });

  it("links the nick alone when the network binds nothing, and ignores account reports for it", async () => {
    answer = undefined;
    await link();
    assert.equal("account" in (store.links.get(addressKey(nick)) ?? {}), false);
    service.accountSeen(nick, undefined);
    assert.ok(sameAddress(service.personOf(nick) ?? eve, alice));
    assert.deepEqual(watched, []);
  });

  it("does not count a link bound to no account on a network that requires one (link_accounts: required), and says so at start", async () => {
    // A link made before links were bound (store migration 6), or while the network bound none.
    await store.link({ person: alice, address: nick, linkedAt: 1 });
    const lines: string[] = [];
    const log = createLogger("warn", { write: (line: string) => void lines.push(String((JSON.parse(line) as { msg: unknown }).msg)) });
    const registryOf = (adapter: Adapter): AdapterRegistry => {
      const registry = new AdapterRegistry();
      registry.register(adapter);
      return registry;
    };
    const strict = new IdentityService({ store, registry: registryOf({ ...ircNetwork(), boundLinksOnly: true } as Adapter), log });
    await strict.start();
    assert.equal(strict.personOf(nick), undefined, "an unbound link on a network that requires bound ones is a stranger");
    assert.deepEqual(strict.linkedTo(alice), []);
    assert.equal(strict.storedLinks().length, 1, "still linked: unlinking and linking again binds it");
    assert.deepEqual(lines, ["linked account bound to no network account, which its network requires: it does not count as its person until unlinked and linked again"]);

    const lenient = new IdentityService({ store, registry: registryOf(ircNetwork()), log: createLogger("silent") });
    await lenient.start();
    assert.ok(sameAddress(lenient.personOf(nick) ?? eve, alice), "where bound links are not required, the same link counts");
  });

  it("links nothing when the network refuses a nick that is not logged in, tells the nick why, and keeps the code", async () => {
    answer = new GatewayError("GW_ERR_FORBIDDEN", "alice is not logged in to a services account", { condition: "not-logged-in" });
    await service.request(alice, nick);
    const code = /([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(said.at(-1)?.text ?? "")?.[1] ?? "";
    assert.equal(await service.serviceMessage(nick, code), true);
    assert.equal(store.links.size, 0);
    assert.match(said.at(-1)?.text ?? "", /not linked: alice is not logged in/);
    answer = "AliceAcct";
    assert.equal(await service.serviceMessage(nick, code), true, "the same code works once logged in");
    assert.equal(store.links.get(addressKey(nick))?.account, "AliceAcct");
  });

  it("refuses another person's claim on a bound nick that is not logged in now", async () => {
    await link();
    service.accountSeen(nick, undefined);
    await assert.rejects(service.request(mallory, nick), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_ALREADY_LINKED");
  });
});
