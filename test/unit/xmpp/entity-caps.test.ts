import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { capsVer, verificationString, type CapsInfo } from "../../../src/adapters/xmpp/entity-caps.js";
import { CAPS_NODE, ContactCapabilities } from "../../../src/adapters/xmpp/contact-capabilities.js";
import { discoInfo } from "../../../src/adapters/xmpp/stanzas.js";
import { makeAddress } from "../../../src/core/model/address.js";

const CAPS = "http://jabber.org/protocol/caps";
const DISCO_INFO = "http://jabber.org/protocol/disco#info";
const DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
const MUC = "http://jabber.org/protocol/muc";

const sha1 = (text: string): string => createHash("sha1").update(text, "utf8").digest("base64");

describe("XEP-0115 verification strings", () => {
  it("gives the simple generation example of section 5.2", () => {
    // Features given out of order: step 4 sorts them.
    const info: CapsInfo = { identities: [{ category: "client", type: "pc", name: "Exodus 0.9.1" }], features: [MUC, DISCO_INFO, CAPS, DISCO_ITEMS] };
    assert.equal(verificationString(info), `client/pc//Exodus 0.9.1<${CAPS}<${DISCO_INFO}<${DISCO_ITEMS}<${MUC}<`);
    assert.equal(capsVer(info), "QgayPKawpkPSDYmwT/WM94uAlu0=");
  });

  it("gives the complex generation example of section 5.3: identities by xml:lang, and an extended form", () => {
    const info: CapsInfo = {
      identities: [
        { category: "client", type: "pc", lang: "en", name: "Psi 0.11" },
        { category: "client", type: "pc", lang: "el", name: "Ψ 0.11" },
      ],
      features: [CAPS, DISCO_INFO, DISCO_ITEMS, MUC],
      forms: [
        {
          formType: "urn:xmpp:dataforms:softwareinfo",
          fields: [
            { var: "software_version", values: ["0.11"] },
            { var: "os", values: ["Mac"] },
            { var: "ip_version", values: ["ipv6", "ipv4"] },
            { var: "os_version", values: ["10.5.1"] },
            { var: "software", values: ["Psi"] },
          ],
        },
      ],
    };
    assert.equal(
      verificationString(info),
      `client/pc/el/Ψ 0.11<client/pc/en/Psi 0.11<${CAPS}<${DISCO_INFO}<${DISCO_ITEMS}<${MUC}<urn:xmpp:dataforms:softwareinfo<` +
        "ip_version<ipv4<ipv6<os<Mac<os_version<10.5.1<software<Psi<software_version<0.11<",
    );
    assert.equal(capsVer(info), "q07IKJEyjvHSyhy//CH0CxmKi8w=");
  });

  it("sorts forms by FORM_TYPE and leaves a FORM_TYPE field out of the fields", () => {
    const form = (formType: string): NonNullable<CapsInfo["forms"]>[number] => ({ formType, fields: [{ var: "FORM_TYPE", values: [formType] }, { var: "x", values: ["1"] }] });
    assert.equal(verificationString({ identities: [], features: [], forms: [form("urn:b"), form("urn:a")] }), "urn:a<x<1<urn:b<x<1<");
  });

  it("sorts identities by category, then type, then xml:lang, writing the slashes of absent parts", () => {
    const s = verificationString({
      identities: [
        { category: "client", type: "pc", lang: "fr" },
        { category: "client", type: "bot" },
        { category: "account", type: "registered", name: "Z" },
        { category: "client", type: "pc" },
      ],
      features: [],
    });
    assert.equal(s, "account/registered//Z<client/bot//<client/pc//<client/pc/fr/<");
  });

  it("takes names and features as character data, unescaped: '<', '&' and the text '&lt;' stay as they are", () => {
    const s = verificationString({ identities: [{ category: "client", type: "pc", name: "Tom & Jerry <3 &lt;" }], features: ["urn:x:a&b"] });
    assert.equal(s, "client/pc//Tom & Jerry <3 &lt;<urn:x:a&b<");
  });

  it("sorts by UTF-8 octets (i;octet), not by JavaScript's UTF-16 code units", () => {
    // U+FFFD is EF BF BD in UTF-8, U+1F600 F0 9F 98 80: octets put U+FFFD first, UTF-16 (D83D DE00 < FFFD) the other.
    assert.equal(verificationString({ identities: [], features: ["urn:\u{1F600}", "urn:\uFFFD"] }), "urn:\uFFFD<urn:\u{1F600}<");
  });

  it("takes each feature once, as the disco#info answer lists it", () => {
    const features = [DISCO_INFO, CAPS, DISCO_INFO];
    const written = discoInfo({ identities: [], features })
      .getChildren("feature")
      .map((feature) => String(feature.attrs["var"]));
    assert.equal(capsVer({ identities: [], features }), capsVer({ identities: [], features: written }));
    assert.equal(verificationString({ identities: [], features }), `${CAPS}<${DISCO_INFO}<`);
  });
});

describe("the caps of the gateway's contacts", () => {
  // libera takes direct messages; oftc is in relay mode (its adapter's capabilities.directMessages is false).
  const contacts = new ContactCapabilities("Switchboard", (address) => address.account === "libera");
  const native = contacts.of(makeAddress("native", "default", "alice"));
  const irc = contacts.of(makeAddress("irc", "libera", "bob"));
  const relayed = contacts.of(makeAddress("irc", "oftc", "carol"));

  it("hashes exactly what a native user's disco#info lists: chat states, corrections, retractions, replies, reactions, receipts, ping, vCards, out-of-band data, avatar notifications", () => {
    const s =
      "client/pc//Switchboard<http://jabber.org/protocol/caps<http://jabber.org/protocol/chatstates<http://jabber.org/protocol/disco#info<jabber:x:oob<" +
      "urn:xmpp:avatar:metadata+notify<urn:xmpp:message-correct:0<urn:xmpp:message-retract:1<urn:xmpp:ping<urn:xmpp:reactions:0<urn:xmpp:receipts<urn:xmpp:reply:0<vcard-temp<";
    assert.ok(native);
    assert.equal(native.ver, sha1(s));
    assert.equal(native.ver, "QoCsZPtdb322R49N3AedoRpV14k=");
    assert.equal(native.capsNode, `${CAPS_NODE}#${native.ver}`);
    assert.deepEqual(native.caps, { xmlns: CAPS, hash: "sha-1", node: "https://switchboard.invalid", ver: native.ver });
  });

  it("gives an IRC person a ver of its own, with out-of-band data (its URL in the line), reactions (an action line) and without chat states (IRC takes no typing notifications)", () => {
    const s = "client/pc//Switchboard<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<jabber:x:oob<urn:xmpp:message-correct:0<urn:xmpp:ping<urn:xmpp:reactions:0<urn:xmpp:receipts<urn:xmpp:reply:0<vcard-temp<";
    assert.ok(irc);
    assert.equal(irc.ver, sha1(s));
    assert.notEqual(irc.ver, native?.ver);
    assert.ok(!irc.features.includes("http://jabber.org/protocol/chatstates"));
    assert.ok(!relayed?.features.includes("jabber:x:oob"), "no direct message reaches an IRC person of a network in relay mode");
  });

  it("gives an IRC person of a network in relay mode a ver of its own, without receipts or corrections (no direct messages reach them)", () => {
    const s = "client/pc//Switchboard<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<urn:xmpp:ping<vcard-temp<";
    assert.ok(relayed);
    assert.equal(relayed.ver, sha1(s));
    assert.notEqual(relayed.ver, irc?.ver);
    assert.equal(contacts.capsOf(makeAddress("irc", "oftc", "dave"))?.ver, relayed.ver);
  });

  it("has no caps for an XMPP person, who is not on the gateway's domain", () => {
    assert.equal(contacts.capsOf(makeAddress("xmpp", "default", "juliet@example.org")), undefined);
  });

  it("hashes the name as a client will read it back: a line break in the configured name is a space", () => {
    const odd = new ContactCapabilities("Switch\nboard\u0001", () => true);
    assert.deepEqual(odd.of(makeAddress("native", "default", "a"))?.identities, [{ category: "client", type: "pc", name: "Switch board" }]);
  });
});
