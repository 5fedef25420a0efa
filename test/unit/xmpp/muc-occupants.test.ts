import assert from "node:assert/strict";
import { MucOccupants, type OccupantPresence } from "../../../src/adapters/xmpp/muc-occupants.js";

const MUC = "dev@conference.example.org";
const here = (nick: string, codes: string[] = []): OccupantPresence => ({ nick, available: true, codes });
const gone = (nick: string, codes: string[] = [], newNick?: string): OccupantPresence => ({ nick, available: false, codes, ...(newNick === undefined ? {} : { newNick }) });

describe("MucOccupants (a bridge bot's view of who is in its MUCs)", () => {
  let occupants: MucOccupants;
  beforeEach(() => {
    occupants = new MucOccupants();
    occupants.joining(MUC);
  });

  it("records the list the MUC gives at join without relaying it, then relays newcomers and leavers", () => {
    assert.deepEqual(occupants.presence(MUC, here("old"), false), []);
    assert.deepEqual(occupants.presence(MUC, here("bot", ["110"]), true), []);
    assert.deepEqual(occupants.presence(MUC, here("new"), false), [{ event: "joined", nick: "new", immediate: false }]);
    assert.deepEqual(occupants.presence(MUC, gone("old"), false), [{ event: "left", nick: "old", immediate: false }]);
    assert.deepEqual(occupants.nicksIn(MUC.toUpperCase()), ["new"], "who is in now, the bot's own occupant not counted");
    assert.deepEqual(occupants.nicksIn("other@conference.example.org"), []);
  });

  it("takes a known occupant's new status for no join, and an unknown one's leave for nothing", () => {
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.presence(MUC, here("ann"), false);
    assert.deepEqual(occupants.presence(MUC, here("ann"), false), []);
    assert.deepEqual(occupants.presence(MUC, gone("stranger"), false), []);
  });

  it("relays a nick change (303) as a leave and a join, both immediate", () => {
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.presence(MUC, here("ann"), false);
    assert.deepEqual(occupants.presence(MUC, gone("ann", ["303"], "anna"), false), [{ event: "left", nick: "ann", immediate: true }]);
    assert.deepEqual(occupants.presence(MUC, here("anna"), false), [{ event: "joined", nick: "anna", immediate: true }]);
  });

  it("ignores MUCs it is not joining, and starts over at a rejoin", () => {
    assert.deepEqual(occupants.presence("other@conference.example.org", here("x"), false), []);
    occupants.presence(MUC, here("bot", ["110"]), true);
    occupants.joining(MUC);
    assert.deepEqual(occupants.presence(MUC, here("ann"), false), [], "part of the list again, not a join");
  });
});
