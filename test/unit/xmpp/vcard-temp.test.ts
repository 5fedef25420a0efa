/** vcard-temp.ts: the vCards the component gives of its JIDs, and contact information read from XMPP users' vCards. */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { gatewayVcard, infoOfVcard, ircPersonVcard, nativeUserVcard, vcardElement } from "../../../src/adapters/xmpp/vcard-temp.js";

describe("vcard-temp", () => {
  it("writes an IRC person's vCard: FN the realname, NICKNAME the nick, what else WHOIS said as lines of NOTE", () => {
    const vcard = ircPersonVcard(
      { nick: "bob", fullName: "Bob Builder", account: "bobby", away: "lunch", server: "irc.example.org", idleSeconds: 42, channels: ["@#dev", "#ops"], secure: true, operator: true },
      "libera",
    );
    assert.equal(vcard.attrs["xmlns"], "vcard-temp");
    assert.equal(vcard.getChildText("FN"), "Bob Builder");
    assert.equal(vcard.getChildText("NICKNAME"), "bob");
    assert.equal(
      vcard.getChildText("NOTE"),
      ["IRC user on libera", "Logged in as: bobby", "Away: lunch", "Server: irc.example.org", "Idle: 42 s", "Channels: @#dev #ops", "Secure connection (TLS)", "IRC operator"].join("\n"),
    );
  });

  it("writes a native user's vCard with her name alone, whatever else is known", () => {
    assert.equal(nativeUserVcard({ nick: "alice", show: "dnd", status: "secret" }).toString(), '<vCard xmlns="vcard-temp"><NICKNAME>alice</NICKNAME></vCard>');
  });

  it("writes the gateway's vCard with its name", () => {
    assert.equal(gatewayVcard("Switchboard").toString(), '<vCard xmlns="vcard-temp"><FN>Switchboard</FN></vCard>');
  });

  it("keeps no control character, line break or lone surrogate in a one-line field, and leaves empty fields out", () => {
    const vcard = vcardElement({ fn: "Eve\u0000 \u001b[31mEvil\u0085\ud800\nTwo", nickname: "\u0007\u0008", note: "one\r\ntwo\u0001" });
    assert.equal(vcard.getChildText("FN"), "Eve [31mEvil Two");
    assert.equal(vcard.getChild("NICKNAME"), undefined);
    assert.equal(vcard.getChildText("NOTE"), "one\ntwo");
  });

  it("cuts a field past 1024 characters without splitting a surrogate pair", () => {
    const long = `${"a".repeat(1023)}😀tail`;
    assert.equal(vcardElement({ fn: long }).getChildText("FN"), "a".repeat(1023));
  });

  it("reads an XMPP user's vCard: FN, NICKNAME, URL, NOTE (else DESC), BDAY, EMAIL, cleaned", () => {
    const vcard = xml(
      "vCard",
      { xmlns: "vcard-temp" },
      xml("FN", {}, " Juliet\u0000 Capulet "),
      xml("NICKNAME", {}, "jules"),
      xml("URL", {}, "https://example.org"),
      xml("DESC", {}, "about me"),
      xml("BDAY", {}, "1597-07-31"),
      xml("EMAIL", {}, xml("INTERNET"), xml("USERID", {}, "juliet@example.org")),
      xml("PHOTO", {}, xml("BINVAL", {}, "AAAA")),
    );
    assert.deepEqual(infoOfVcard(vcard), { fullName: "Juliet Capulet", nick: "jules", url: "https://example.org", note: "about me", birthday: "1597-07-31", email: "juliet@example.org" });
    assert.deepEqual(infoOfVcard(xml("vCard", { xmlns: "vcard-temp" }, xml("NOTE", {}, "note"), xml("DESC", {}, "desc"))), { note: "note" });
    assert.deepEqual(infoOfVcard(undefined), {});
  });
});
