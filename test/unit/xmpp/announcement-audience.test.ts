import assert from "node:assert/strict";
import type { Element } from "ltx";
import type { Announcement } from "../../../src/core/announcements.js";
import { AnnouncementAudience } from "../../../src/adapters/xmpp/announcement-audience.js";
import { MAX_RESOURCES } from "../../../src/adapters/xmpp/resource-presence.js";

const DOMAIN = "gw.example.org";
const FROM = { protocol: "native", account: "default", id: "admin" } as const;

describe("the XMPP users told announcements and the message of the day", () => {
  let written: Element[];
  let motd: Announcement | undefined;
  let audience: AnnouncementAudience;

  beforeEach(() => {
    written = [];
    motd = undefined;
    audience = new AnnouncementAudience(DOMAIN, async (elements) => void written.push(...elements), () => motd, (error) => assert.fail(String(error)));
  });

  const shown = (): string[] =>
    written.splice(0).map((stanza) => `${String(stanza.attrs["type"])} ${String(stanza.attrs["from"])} -> ${String(stanza.attrs["to"])}: ${stanza.getChildText("subject") ?? "-"} / ${stanza.getChildText("body") ?? ""}`);

  it("tells each person online once, at her bare JID, as a headline from the domain; nobody offline", () => {
    audience.available("juliet@example.org", "phone");
    audience.available("juliet@example.org", "laptop");
    audience.available("romeo@example.org", "");
    audience.available("nurse@example.org", "desk");
    audience.unavailable("nurse@example.org", "desk");
    assert.deepEqual(audience.announce({ from: FROM, subject: "Maintenance", body: "At 22:00.", timestamp: 1 }), { users: 2, sessions: 3 });
    assert.deepEqual(shown(), ["headline gw.example.org -> juliet@example.org: Maintenance / At 22:00.", "headline gw.example.org -> romeo@example.org: Maintenance / At 22:00."]);
    audience.unavailable("juliet@example.org");
    audience.clear();
    assert.deepEqual(audience.announce({ from: FROM, body: "Again.", timestamp: 2 }), { users: 0, sessions: 0 });
    assert.deepEqual(shown(), []);
    audience.available("romeo@example.org", "");
    audience.announce({ from: FROM, body: "No subject.", timestamp: 3 });
    assert.deepEqual(shown(), ["headline gw.example.org -> romeo@example.org: - / No subject."]);
  });

  it("shows the message of the day to each new session once, at its full JID; none when there is none", () => {
    audience.available("juliet@example.org", "phone");
    assert.deepEqual(shown(), []);
    motd = { from: FROM, subject: "Welcome", body: "Be kind.", timestamp: 1, motd: true };
    audience.available("juliet@example.org", "phone");
    assert.deepEqual(shown(), [], "a session already online is not shown it again");
    audience.available("juliet@example.org", "laptop");
    audience.available("juliet@example.org", "laptop");
    audience.unavailable("juliet@example.org", "phone");
    audience.available("juliet@example.org", "phone");
    assert.deepEqual(shown(), ["headline gw.example.org -> juliet@example.org/laptop: Welcome / Be kind.", "headline gw.example.org -> juliet@example.org/phone: Welcome / Be kind."]);
  });

  it("keeps at most MAX_RESOURCES sessions of one person", () => {
    for (let n = 0; n <= MAX_RESOURCES; n++) audience.available("juliet@example.org", `r${n}`);
    assert.deepEqual(audience.announce({ from: FROM, body: "Hi.", timestamp: 1 }), { users: 1, sessions: MAX_RESOURCES });
  });
});
