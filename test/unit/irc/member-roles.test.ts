import assert from "node:assert/strict";
import { roleOfPrefixes } from "../../../src/adapters/irc/member-roles.js";

describe("IRC membership prefixes as room roles (member-roles.ts)", () => {
  it("maps the founder to owner, protected users and operators to admin, half-operators to moderator, the rest to member", () => {
    const order = "~&@%+";
    assert.deepEqual(["~", "&", "@", "%", "+", ""].map((prefixes) => roleOfPrefixes(prefixes, order)), ["owner", "admin", "admin", "moderator", "member", "member"]);
  });

  it("takes a nick's highest prefix in the server's order, whatever order the prefixes came in", () => {
    assert.equal(roleOfPrefixes("+@", "~&@%+"), "admin");
    assert.equal(roleOfPrefixes("%+", "@%+"), "moderator");
    assert.equal(roleOfPrefixes("@", "+"), "member", "a symbol the server did not announce counts for nothing");
  });
});
