import assert from "node:assert/strict";
import { parse } from "ltx";
import { SHOWS } from "../../../src/core/model/presence.js";
import { clampPriority, clampStatus, parsePriority, pickLocalized, showFromXmpp, showToXmpp, statusOf } from "../../../src/adapters/xmpp/presence-map.js";

describe("XMPP presence mapping (RFC 6121 section 4.7)", () => {
  describe("showFromXmpp", () => {
    it("reads an available presence without show as online", () => {
      assert.equal(showFromXmpp(undefined, undefined), "online");
      assert.equal(showFromXmpp("available", undefined), "online");
    });

    it("reads each RFC 6121 show value as the same core show", () => {
      for (const show of ["chat", "away", "xa", "dnd"] as const) assert.equal(showFromXmpp(undefined, show), show);
      assert.equal(showFromXmpp(undefined, " away\n"), "away");
    });

    it("reads an unknown show value as online, since the stanza still says available", () => {
      assert.equal(showFromXmpp(undefined, "busy"), "online");
      assert.equal(showFromXmpp(undefined, "AWAY"), "online");
      assert.equal(showFromXmpp(undefined, ""), "online");
    });

    it("reads unavailable and error as offline, whatever the show", () => {
      assert.equal(showFromXmpp("unavailable", "chat"), "offline");
      assert.equal(showFromXmpp("error", undefined), "offline");
    });

    it("never reads a subscription or probe as somebody online", () => {
      for (const type of ["subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe"]) assert.equal(showFromXmpp(type, "chat"), "offline");
    });
  });

  describe("showToXmpp", () => {
    it("sends offline as unavailable, online as no show and the rest as show", () => {
      assert.deepEqual(showToXmpp("offline"), { type: "unavailable" });
      assert.deepEqual(showToXmpp("online"), {});
      for (const show of ["chat", "away", "xa", "dnd"] as const) assert.deepEqual(showToXmpp(show), { show });
    });

    it("round-trips every core show through XMPP", () => {
      for (const show of SHOWS) {
        const xmpp = showToXmpp(show);
        assert.equal(showFromXmpp(xmpp.type, xmpp.show), show);
      }
    });
  });

  describe("priority", () => {
    it("reads integers from -128 to 127", () => {
      assert.equal(parsePriority("5"), 5);
      assert.equal(parsePriority("-128"), -128);
      assert.equal(parsePriority("127"), 127);
      assert.equal(parsePriority(" +7 "), 7);
      assert.equal(parsePriority("007"), 7);
    });

    it("counts an absent, out-of-range or non-integer priority as 0", () => {
      for (const text of [undefined, null, "", "128", "-129", "1.5", "abc", "1e2", "0x10", "99999999999999"]) assert.equal(parsePriority(text), 0, String(text));
    });

    it("clamps an outbound priority into range", () => {
      assert.equal(clampPriority(500), 127);
      assert.equal(clampPriority(-500), -128);
      assert.equal(clampPriority(3.9), 3);
      assert.equal(clampPriority(Number.NaN), 0);
    });
  });

  describe("status", () => {
    it("prefers the status without xml:lang", () => {
      const el = parse("<presence><status xml:lang='it'>Ciao</status><status>Hello</status></presence>");
      assert.equal(statusOf(el), "Hello");
    });

    it("takes a status in the stanza's own language as the default one", () => {
      const el = parse("<presence xml:lang='it'><status xml:lang='en'>Hello</status><status xml:lang='it'>Ciao</status></presence>");
      assert.equal(statusOf(el), "Ciao");
    });

    it("falls back to the first status when all have another language", () => {
      const el = parse("<presence><status xml:lang='it'>Ciao</status><status xml:lang='fr'>Salut</status></presence>");
      assert.equal(statusOf(el), "Ciao");
    });

    it("is empty when there is none, and ignores status elements of extensions", () => {
      const el = parse("<presence><x xmlns='http://jabber.org/protocol/muc#user'><status code='110'/></x></presence>");
      assert.equal(statusOf(el), "");
      assert.equal(pickLocalized(el, "status"), undefined);
    });

    it("is trimmed and cut to 1024 characters, never inside a surrogate pair", () => {
      assert.equal(clampStatus("  out  "), "out");
      assert.equal(clampStatus("x".repeat(2000)).length, 1024);
      const cut = clampStatus(`${"x".repeat(1023)}😀`);
      assert.equal(cut, "x".repeat(1023));
    });
  });
});
