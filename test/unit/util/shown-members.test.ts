import assert from "node:assert/strict";
import { ShownMembers } from "../../../src/util/shown-members.js";

interface Member {
  readonly nick: string;
  readonly role: string;
}
const member = (nick: string, role = "member"): Member => ({ nick, role });

describe("ShownMembers (whom a bridged room was told is in the remote room)", () => {
  let shown: ShownMembers<Member>;
  beforeEach(() => {
    shown = new ShownMembers<Member>(
      (nick) => nick.toLowerCase(),
      (a, b) => a.role === b.role,
    );
  });

  it("takes the first list of a room as everyone joining", () => {
    assert.deepEqual(shown.resync("#dev", [member("Ann"), member("bob", "admin")]), { joined: [member("Ann"), member("bob", "admin")], left: [], changed: [] });
    assert.deepEqual(shown.list("#dev"), [member("Ann"), member("bob", "admin")]);
    assert.deepEqual(shown.list("#other"), []);
  });

  it("gives, from the list after a rejoin, who came, who left and whose role or spelling changed meanwhile", () => {
    shown.resync("#dev", [member("ann"), member("bob"), member("cy")]);
    const resync = shown.resync("#dev", [member("Ann"), member("bob", "admin"), member("dee")]);
    assert.deepEqual(resync.joined, [member("dee")]);
    assert.deepEqual(resync.left, [member("cy")]);
    assert.deepEqual(resync.changed, [
      { before: member("ann"), after: member("Ann") },
      { before: member("bob"), after: member("bob", "admin") },
    ]);
    assert.deepEqual(shown.resync("#dev", [member("Ann"), member("bob", "admin"), member("dee")]), { joined: [], left: [], changed: [] }, "the same list again: nothing");
  });

  it("shows each join and leave once: a held change let through after a resync that showed it is nothing", () => {
    assert.equal(shown.joined("#dev", member("ann")), true);
    assert.equal(shown.joined("#dev", member("ANN")), false, "shown already");
    assert.deepEqual(shown.left("#dev", "Ann"), member("ann"), "gone, as shown");
    assert.equal(shown.left("#dev", "ann"), undefined, "not shown any more");
    shown.resync("#dev", [member("bob")]);
    assert.equal(shown.joined("#dev", member("bob")), false);
  });

  it("renames and changes roles only of members shown", () => {
    shown.resync("#dev", [member("ann")]);
    assert.equal(shown.changed("#dev", "ann", member("anna")), true);
    assert.deepEqual(shown.list("#dev"), [member("anna")]);
    assert.equal(shown.changed("#dev", "ghost", member("ghost", "admin")), false);
    assert.deepEqual(shown.list("#dev"), [member("anna")], "nobody added");
    assert.equal(shown.changed("#dev", "anna", member("anna", "admin")), true);
    assert.deepEqual(shown.list("#dev"), [member("anna", "admin")]);
  });

  it("forgets a room no longer bridged: its next list is all joins again", () => {
    shown.resync("#dev", [member("ann")]);
    shown.forget("#dev");
    assert.deepEqual(shown.list("#dev"), []);
    assert.deepEqual(shown.resync("#dev", [member("ann")]).joined, [member("ann")]);
  });
});
