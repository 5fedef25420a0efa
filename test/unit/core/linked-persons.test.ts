import assert from "node:assert/strict";
import { LinkedPersons, type PersonDirectory } from "../../../src/core/linked-persons.js";
import { addressKey, parseAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import type { Show } from "../../../src/core/model/presence.js";

const alice = parseAddress("native:alice");
const aliceNick = parseAddress("irc://libera/alice");
const aliceJid = parseAddress("xmpp:alice@example.org");
const bobNick = parseAddress("irc://libera/bob");
const bobPerson = parseAddress("native:bob");
const romeo = parseAddress("xmpp:romeo@example.org");
const carol = parseAddress("native:carol");

/** alice has linked aliceNick and aliceJid; bobNick is bob's. */
const directory: PersonDirectory = {
  personOf: (address) => (sameAddress(address, aliceNick) || sameAddress(address, aliceJid) ? alice : sameAddress(address, bobNick) ? bobPerson : undefined),
  linkedTo: (person) => (sameAddress(person, alice) ? [aliceNick, aliceJid] : sameAddress(person, bobPerson) ? [bobNick] : []),
  allLinks: () => [],
};

function to(person: Address, from: Address, senderPerson?: Address): Message {
  return {
    id: "m1",
    origin: { protocol: from.protocol, account: from.account },
    hops: [],
    scope: "direct",
    kind: "text",
    from,
    to: person,
    ...(senderPerson === undefined ? {} : { person: senderPerson }),
    senderName: from.id,
    body: "hi",
    timestamp: Date.now(),
  };
}

function persons(deliverTo: "most_available" | "all", shows: Record<string, Show>, takesDirect?: (address: Address) => boolean): LinkedPersons {
  const linked = new LinkedPersons(directory, deliverTo, takesDirect);
  for (const [address, show] of Object.entries(shows)) {
    const from = parseAddress(address);
    linked.record(alice, { from, show, status: "", priority: 0, since: 1 });
  }
  return linked;
}

const keys = (addresses: readonly Address[]): string[] => addresses.map(addressKey);

describe("LinkedPersons: who gets a direct message to a person with linked accounts", () => {
  it("most_available: the linked account whose presence wins, the person's sessions on a tie", () => {
    const linked = persons("most_available", { "native:alice": "xa", [addressKey(aliceNick)]: "online", [addressKey(aliceJid)]: "away" });
    assert.deepEqual(keys(linked.directRecipients(to(alice, carol))), [addressKey(aliceNick)]);
    const tie = persons("most_available", { "native:alice": "online", [addressKey(aliceNick)]: "online" });
    assert.deepEqual(keys(tie.directRecipients(to(alice, carol))), ["native:alice"]);
  });

  it("leaves out an account on the sender's own network when the sender is nobody's account: nobody could speak for them there", () => {
    const linked = persons("most_available", { "native:alice": "xa", [addressKey(aliceNick)]: "online", [addressKey(aliceJid)]: "away" });
    const dan = parseAddress("irc://libera/dan");
    assert.deepEqual(keys(linked.directRecipients(to(alice, dan))), [addressKey(aliceJid)], "from IRC libera: her XMPP account, the next most available");
    assert.deepEqual(keys(linked.directRecipients(to(alice, romeo))), [addressKey(aliceNick)], "from XMPP: her IRC nick");
    const onlyNick = persons("most_available", { "native:alice": "offline", [addressKey(aliceNick)]: "online", [addressKey(aliceJid)]: "offline" });
    assert.deepEqual(keys(onlyNick.directRecipients(to(alice, dan))), ["native:alice"], "her sessions keep it for her");
    const all = persons("all", {});
    assert.deepEqual(keys(all.directRecipients(to(alice, dan))), ["native:alice", addressKey(aliceJid)]);
  });

  it("never chooses an account on a network that takes no direct messages (IRC in relay mode), however available", () => {
    const relayOnly = (address: Address): boolean => address.protocol !== "irc";
    const linked = persons("most_available", { "native:alice": "xa", [addressKey(aliceNick)]: "chat", [addressKey(aliceJid)]: "away" }, relayOnly);
    assert.deepEqual(keys(linked.directRecipients(to(alice, carol))), [addressKey(aliceJid)]);
    assert.deepEqual(keys(persons("all", {}, relayOnly).directRecipients(to(alice, carol))), ["native:alice", addressKey(aliceJid)]);
  });

  it("hands a message a linked account refused for good to the person's sessions, unless they have it already", () => {
    assert.deepEqual(persons("most_available", {}).linkedRecipientFailed(to(alice, carol)), { action: "redirect", to: alice });
    assert.deepEqual(persons("all", {}).linkedRecipientFailed(to(alice, carol)), { action: "drop" });
  });

  it("hands the person a message accepted before this process began, even with deliver_to all: it may have been routed under most_available then", () => {
    const older = { ...to(alice, carol), timestamp: Date.now() - 60_000 };
    const linked = persons("all", {});
    assert.deepEqual(linked.linkedRecipientFailed(older), { action: "redirect", to: alice });
    const unlinked = parseAddress("irc://libera/alice_old"); // her nick once, linked no more
    assert.deepEqual(linked.linkedRecipientNow(older, unlinked), { action: "redirect", to: alice });
    assert.deepEqual(linked.linkedRecipientNow(to(alice, carol), unlinked), { action: "drop" }, "accepted under deliver_to all: she has it");
  });

  it("keeps an account on the sender's network when the sender is a person: their puppet or JID speaks for them", () => {
    const linked = persons("most_available", { "native:alice": "xa", [addressKey(aliceNick)]: "online" });
    assert.deepEqual(keys(linked.directRecipients(to(alice, bobNick, bobPerson))), [addressKey(aliceNick)]);
  });
});
