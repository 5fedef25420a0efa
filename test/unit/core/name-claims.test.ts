import assert from "node:assert/strict";
import { makeAddress } from "../../../src/core/model/address.js";
import { MAX_NAMES_HELD, NameClaims } from "../../../src/core/name-claims.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const nativeBob = makeAddress("native", "default", "bob");
const xmppBob = makeAddress("xmpp", "default", "bob@elsewhere.org");
const candidates = ["bob[sb]", "bob2[sb]", "bob3[sb]"];

describe("NameClaims (names people go by on a network, one person each)", () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("gives the first person the first name and the next the first nobody has, whatever the case", async () => {
    const names = new NameClaims(store.names);
    assert.equal(await names.claim("irc", "libera", nativeBob, candidates), "bob[sb]");
    assert.equal(await names.claim("irc", "libera", xmppBob, ["BOB[sb]", ...candidates.slice(1)]), "bob2[sb]");
    assert.equal(await names.claim("irc", "libera", nativeBob, ["other"]), "bob[sb]", "a person keeps their name");
    assert.equal(await names.claim("irc", "oftc", xmppBob, candidates), "bob[sb]", "each network apart");
  });

  it("takes names an rfc1459 server holds for one nick for one name: al|ce[sb] is AL\\CE{SB}", async () => {
    const names = new NameClaims(store.names);
    assert.equal(await names.claim("irc", "libera", nativeBob, ["al|ce[sb]"]), "al|ce[sb]");
    assert.equal(await names.claim("irc", "libera", xmppBob, ["AL\\CE{SB}", "al^ce~sb"]), "al^ce~sb");
    assert.equal(names.isClaimed("irc", "libera", "al\\ce{sb}"), true);
    assert.equal(names.isClaimed("irc", "libera", "AL^CE^SB"), true);
    const reloaded = new NameClaims(store.names);
    await reloaded.load();
    assert.equal(reloaded.isClaimed("irc", "libera", "Al|Ce{Sb}"), true, "as the store keeps them");
  });

  it("keeps the claims across a restart, and tells what a person would get without claiming it", async () => {
    await new NameClaims(store.names).claim("irc", "libera", nativeBob, candidates);
    const names = new NameClaims(store.names);
    await names.load();
    assert.equal(names.peek("irc", "libera", xmppBob, candidates), "bob2[sb]");
    assert.equal(names.peek("irc", "libera", nativeBob, candidates), "bob[sb]");
    assert.equal(names.claimed("irc", "libera", xmppBob), undefined, "peek claims nothing");
    assert.equal(names.isClaimed("irc", "libera", "BOB[sb]"), true, "a claimed name is nobody else's, connected or not");
    assert.equal(names.isClaimed("irc", "libera", "bob2[sb]"), false);
    assert.equal(names.isClaimed("irc", "oftc", "bob[sb]"), false);
    await assert.rejects(names.claim("irc", "libera", xmppBob, ["bob[sb]"]), { code: "GW_ERR_NICK_IN_USE" });
  });

  it("loses a race to a claim it did not know of, and takes the next name", async () => {
    const stale = new NameClaims(store.names);
    await new NameClaims(store.names).claim("irc", "libera", nativeBob, candidates); // another instance's view
    assert.equal(await stale.claim("irc", "libera", xmppBob, candidates), "bob2[sb]");
  });

  it("lets a person choose another name, keeps the earlier one theirs, and lets them go back to it", async () => {
    const names = new NameClaims(store.names);
    assert.equal(await names.claim("irc", "libera", nativeBob, candidates), "bob[sb]");
    assert.deepEqual(await names.choose("irc", "libera", nativeBob, ["bobby[sb]"]), { name: "bobby[sb]", previous: "bob[sb]", added: true });
    assert.equal(names.claimed("irc", "libera", nativeBob), "bobby[sb]");
    assert.equal(await names.claim("irc", "libera", nativeBob, candidates), "bobby[sb]", "the next connect uses the chosen name");
    assert.equal(names.isClaimed("irc", "libera", "BOB[sb]"), true, "the old name is still someone's");
    await assert.rejects(names.choose("irc", "libera", xmppBob, ["bob[sb]"]), { code: "GW_ERR_NICK_IN_USE" });
    await assert.rejects(names.choose("irc", "libera", xmppBob, ["Bobby[sb]"]), { code: "GW_ERR_NICK_IN_USE" });
    assert.equal(await names.claim("irc", "libera", xmppBob, candidates), "bob2[sb]", "a namesake still gets the next free name");
    assert.deepEqual(await names.choose("irc", "libera", nativeBob, candidates), { name: "bob[sb]", previous: "bobby[sb]", added: false }, "back to the default");

    const restarted = new NameClaims(store.names);
    await restarted.load();
    assert.equal(restarted.claimed("irc", "libera", nativeBob), "bob[sb]");
    assert.equal(restarted.isClaimed("irc", "libera", "bobby[sb]"), true, "every name held is kept across a restart");
  });

  it("undoes a refused choice: the earlier name is current again and a new one is nobody's", async () => {
    const names = new NameClaims(store.names);
    await names.claim("irc", "libera", nativeBob, candidates);
    await names.undo("irc", "libera", nativeBob, await names.choose("irc", "libera", nativeBob, ["bobby[sb]"]));
    assert.equal(names.claimed("irc", "libera", nativeBob), "bob[sb]");
    assert.equal(names.isClaimed("irc", "libera", "bobby[sb]"), false);
    await names.choose("irc", "libera", nativeBob, ["bobby[sb]"]);
    await names.undo("irc", "libera", nativeBob, await names.choose("irc", "libera", nativeBob, ["bob[sb]"]));
    assert.equal(names.claimed("irc", "libera", nativeBob), "bobby[sb]", "going back refused: still the chosen name");
    assert.equal(names.isClaimed("irc", "libera", "bob[sb]"), true, "an earlier name is not forgotten by an undo");
    await names.undo("irc", "libera", xmppBob, await names.choose("irc", "libera", xmppBob, ["juliet[sb]"]));
    assert.equal(names.claimed("irc", "libera", xmppBob), undefined, "no name before, none after");
  });

  it("holds at most MAX_NAMES_HELD names for one person on a network: past it, only one of theirs again", async () => {
    const names = new NameClaims(store.names);
    await names.claim("irc", "libera", xmppBob, candidates);
    for (let n = 1; n < MAX_NAMES_HELD; n++) await names.choose("irc", "libera", xmppBob, [`squat${n}[sb]`]);
    await assert.rejects(names.choose("irc", "libera", xmppBob, ["squat99[sb]"]), { code: "GW_ERR_FORBIDDEN" });
    assert.equal(names.isClaimed("irc", "libera", "squat99[sb]"), false, "nothing claimed");
    assert.equal(names.claimed("irc", "libera", xmppBob), `squat${MAX_NAMES_HELD - 1}[sb]`, "the current name unchanged");
    assert.deepEqual(await names.choose("irc", "libera", xmppBob, ["bob[sb]"]), { name: "bob[sb]", previous: `squat${MAX_NAMES_HELD - 1}[sb]`, added: false }, "one they hold");
    assert.equal(await names.claim("irc", "libera", nativeBob, ["squat99[sb]"]), "squat99[sb]", "someone else is not held back");
  });

  it("reads a generator of candidates again after losing a race", async () => {
    const stale = new NameClaims(store.names);
    await new NameClaims(store.names).claim("irc", "libera", nativeBob, candidates);
    function* generated(): Generator<string> {
      yield* candidates;
    }
    assert.equal(await stale.claim("irc", "libera", xmppBob, generated()), "bob2[sb]");
  });
});
