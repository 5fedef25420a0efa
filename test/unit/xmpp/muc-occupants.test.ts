import assert from "node:assert/strict";
import { MucOccupants, roleOfItem, type OccupantPresence } from "../../../src/adapters/xmpp/muc-occupants.js";

const MUC = "dev@conference.example.org";
const here = (nick: string, codes: string[] = []): OccupantPresence => ({ nick, available: true, codes });
const gone = (nick: string, codes: string[] = [], newNick?: string): OccupantPresence => ({ nick, available: false, codes, ...(newNick === undefined ? {} : { newNick }) });

describe("MucOccupants (a bridge bot's view of who is in its MUCs)", () => {
  let occupants: MucOccupants;
  beforeEach(() => {
    occupants = new MucOccupants();
    occupants.joining(MUC);
  });

  it("records the list the MUC gives at join without relaying it, says when it is complete, then relays newcomers and leavers", () => {
    assert.deepEqual(occupants.presence(MUC, here("old"), false), []);
    assert.deepEqual(occupants.presence(MUC, here("bot", ["110"]), true), [{ event: "listed" }]);
    assert.deepEqual(occupants.presence(MUC, here("bot", ["110"]), true), [], "the bot's later self-presences end no list");
    assert.deepEqual(occupants.presence(MUC, here("new"), false), [{ event: "joined", nick: "new" }]);
    assert.deepEqual(occupants.presence(MUC, gone("old"), false), [{ event: "left", nick: "old" }]);
    assert.deepEqual(occupants.nicksIn(MUC.toUpperCase()), ["new"], "who is in now, the bot's own occupant not counted");
    assert.deepEqual(occupants.nicksIn("other@conference.example.org"), []);
  });

  it("takes a known occupant's new status for no join, and an unknown one's leave for nothing", () => {
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.presence(MUC, here("ann"), false);
    assert.deepEqual(occupants.presence(MUC, here("ann"), false), []);
    assert.deepEqual(occupants.presence(MUC, gone("stranger"), false), []);
  });

  it("relays a nick change (303) as one rename, the new nick's presence being its second half", () => {
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.presence(MUC, here("ann"), false);
    assert.deepEqual(occupants.presence(MUC, gone("ann", ["303"], "anna"), false), [{ event: "renamed", nick: "ann", newNick: "anna", role: "member" }]);
    assert.deepEqual(occupants.presence(MUC, here("anna"), false), [], "not a join");
    assert.deepEqual(occupants.nicksIn(MUC), ["anna"]);
    assert.deepEqual(occupants.presence(MUC, gone("anna", ["303"]), false), [{ event: "left", nick: "anna" }], "a 303 naming no nick is a leave");
  });

  it("ignores MUCs it is not joining, and starts over at a rejoin", () => {
    assert.deepEqual(occupants.presence("other@conference.example.org", here("x"), false), []);
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.joining(MUC);
    assert.deepEqual(occupants.presence(MUC, here("ann"), false), [], "part of the list again, not a join");
    assert.deepEqual(occupants.presence(MUC, here("bot", ["110"]), true), [{ event: "listed" }], "the rejoin's list is complete");
  });

  it("reads an occupant's affiliation and role as a room role, and relays a change of it once listed", () => {
    assert.deepEqual(
      [roleOfItem("owner", "moderator"), roleOfItem("admin", "moderator"), roleOfItem("member", "moderator"), roleOfItem("none", "moderator"), roleOfItem("member", "participant"), roleOfItem(undefined, undefined)],
      ["owner", "admin", "moderator", "moderator", "member", "member"],
    );
    assert.deepEqual(occupants.presence(MUC, { ...here("chief"), role: "owner" }, false), [], "listed at join");
    occupants.presence(MUC, here("bot", ["110"]), true);
    assert.deepEqual(occupants.presence(MUC, { ...here("ann"), role: "member" }, false), [{ event: "joined", nick: "ann" }]);
    assert.deepEqual(occupants.presence(MUC, { ...here("ann"), role: "moderator" }, false), [{ event: "role", nick: "ann", previous: "member", role: "moderator" }]);
    assert.deepEqual(occupants.presence(MUC, { ...here("ann"), role: "moderator" }, false), [], "a status update only");
    assert.deepEqual(occupants.occupantsOf(MUC), [{ nick: "chief", role: "owner" }, { nick: "ann", role: "moderator" }]);
    assert.deepEqual(occupants.presence(MUC, gone("ann", ["303"], "anne"), false), [{ event: "renamed", nick: "ann", newNick: "anne", role: "moderator" }], "a rename keeps the role");
  });

  it("relays the role the new nick's presence of a nick change carries, when it differs, as a role change after the rename", () => {
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.presence(MUC, { ...here("ann"), role: "moderator" }, false);
    assert.deepEqual(occupants.presence(MUC, gone("ann", ["303"], "anne"), false), [{ event: "renamed", nick: "ann", newNick: "anne", role: "moderator" }]);
    assert.deepEqual(occupants.presence(MUC, { ...here("anne"), role: "member" }, false), [{ event: "role", nick: "anne", previous: "moderator", role: "member" }]);
    assert.deepEqual(occupants.occupantsOf(MUC), [{ nick: "anne", role: "member" }]);
    occupants.presence(MUC, gone("anne", ["303"], "ann"), false);
    assert.deepEqual(occupants.presence(MUC, { ...here("ann"), role: "member" }, false), [], "the same role: the rename was all");
  });

  it("tells an occupant apart from whoever takes their nick after them, and follows them through a nick change", () => {
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.presence(MUC, here("ann"), false);
    const ann = occupants.identify(MUC, "ann");
    assert.ok(ann);
    assert.equal(occupants.nickOf(MUC, ann), "ann", "still here");
    occupants.presence(MUC, gone("ann", ["303"], "anna"), false);
    occupants.presence(MUC, here("anna"), false);
    assert.equal(occupants.nickOf(MUC, ann), "anna", "the same occupant under her new nick");
    occupants.presence(MUC, gone("anna"), false);
    occupants.presence(MUC, here("ann"), false);
    assert.equal(occupants.nickOf(MUC, ann), undefined, "someone new under her old nick (or she came back: the bot cannot tell)");
    assert.equal(occupants.identify(MUC, "nobody"), undefined);
  });

  it("finds an occupant whose real JID the MUC revealed under any nick they have now, and starts over at a rejoin", () => {
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.presence(MUC, { ...here("ann"), realJid: "Ann@Example.org/phone" }, false);
    const ann = occupants.identify(MUC, "ann");
    assert.equal(ann?.realJid, "ann@example.org", "bare, lower case");
    occupants.presence(MUC, gone("ann"), false);
    occupants.presence(MUC, { ...here("ann"), realJid: "bea@example.org/pc" }, false);
    occupants.presence(MUC, { ...here("ann2"), realJid: "ann@example.org/laptop" }, false);
    assert.ok(ann);
    assert.equal(occupants.nickOf(MUC, ann), "ann2", "her, not whoever holds her old nick");
    occupants.joining(MUC);
    assert.equal(occupants.state(MUC), "joining");
    assert.equal(occupants.nickOf(MUC, ann), undefined, "nobody listed yet");
    occupants.presence(MUC, here("ann2"), false);
    occupants.presence(MUC, here("bot", ["110"]), true);
    assert.equal(occupants.state(MUC), "listed");
    assert.equal(occupants.nickOf(MUC, ann), undefined, "listed again without her real JID: the bot cannot tell her from someone new");
    occupants.presence(MUC, { ...here("ann2"), realJid: "ann@example.org/laptop" }, false);
    assert.equal(occupants.nickOf(MUC, ann), "ann2", "with it, it can");
    assert.equal(occupants.state("other@conference.example.org"), undefined);
  });
});
