import assert from "node:assert/strict";
import { GatewayError, type ErrorCode } from "../../../src/core/errors.js";
import { formatAddress, makeAddress, parseAddress } from "../../../src/core/model/address.js";
import { roomAtJid } from "../../../src/adapters/xmpp/room-addresses.js";
import {
  accountRoute,
  addressToJid,
  addressToXmppJid,
  bareJid,
  formatJid,
  jidToAddress,
  networkJid,
  networkOfJid,
  parseJid,
  xmppUserAddress,
} from "../../../src/adapters/xmpp/addressing.js";

const D = "switchboard.localhost";

function assertCode(work: () => unknown, code: ErrorCode, what: string, message?: RegExp): void {
  assert.throws(
    work,
    (error: unknown) => error instanceof GatewayError && error.code === code && (message === undefined || message.test(error.message)),
    `${what} should be rejected with ${code}${message === undefined ? "" : ` and a message matching ${message}`}`,
  );
}

describe("XMPP addressing", () => {
  describe("the documented forms", () => {
    const forms: Array<[string, string]> = [
      ["native:alice", `alice@${D}`],
      ["native:%23lobby", `#lobby@${D}`],
      ["irc://libera/bob", `bob%libera@${D}`],
      ["irc://libera/%23dev", `#dev%libera@${D}`],
      ["irc://libera/[m]x\\y|z^", `[m]x\\y|z^%libera@${D}`],
      ["irc://libera/a\\20b", `a\\5c20b%libera@${D}`],
      ["irc://oftc.net/%23c++", `#c++%oftc.net@${D}`],
      ["irc://libera/%23a%20b", `#a\\20b%libera@${D}`],
      ["irc://libera/&local", `\\26local%libera@${D}`],
      ["irc://libera/%23100%25", `#100%%libera@${D}`],
      ["irc://my_net-2/Bob", `Bob%my_net-2@${D}`],
      ["irc://libera/%23caf%C3%A9", `#café%libera@${D}`],
      ["irc://libera/%23%F0%9F%9A%80", `#🚀%libera@${D}`],
      ["irc://libera/d'artagnan", `d\\27artagnan%libera@${D}`],
      ["irc://libera/%23a:b@c", `#a\\3ab\\40c%libera@${D}`],
    ];

    for (const [uri, jid] of forms) {
      it(`maps ${uri} to ${jid} and back`, () => {
        const address = parseAddress(uri);
        assert.equal(addressToJid(address, D), jid);
        assert.equal(formatAddress(jidToAddress(jid, D)), formatAddress(address));
      });
    }

    it("round-trips awkward IRC nicks and channels on several networks", () => {
      const ids = ["[m]x\\y|z^", "a\\20b", "\\5c", "`^_^`", "{away}", "#c++", "#a b", "&local", "+modeless", "!ABCDEchan", "#\\", "#日本", "#%", "#50%off"];
      for (const network of ["libera", "irc.example.org", "net_1"]) {
        for (const id of ids) {
          const address = makeAddress("irc", network, id);
          assert.deepEqual(jidToAddress(addressToJid(address, D), D), address, `${id} on ${network}`);
        }
      }
    });

    it("ignores the resource of a JID", () => {
      assert.equal(formatAddress(jidToAddress(`bob%libera@${D}/some resource`, D)), "irc://libera/bob");
      assert.equal(formatAddress(jidToAddress(`alice@${D}/phone`, D)), "native:alice");
    });

    it("compares the gateway domain case-insensitively and ignores its final dot", () => {
      assert.equal(formatAddress(jidToAddress("alice@SwitchBoard.LocalHost", D)), "native:alice");
      assert.equal(formatAddress(jidToAddress(`alice@${D}.`, D)), "native:alice");
      assert.equal(addressToJid(parseAddress("native:alice"), "SWITCHBOARD.localhost"), `alice@${D}`);
    });

    it("folds native localparts to lower case, as native names are", () => {
      assert.equal(formatAddress(jidToAddress(`Alice@${D}`, D)), "native:alice");
      assert.equal(addressToJid(makeAddress("native", "default", "Alice"), D), `alice@${D}`);
    });

    it("keeps the case of IRC nicks and channels both ways", () => {
      assert.equal(addressToJid(parseAddress("irc://libera/BoB"), D), `BoB%libera@${D}`);
      assert.equal(formatAddress(jidToAddress(`BoB%libera@${D}`, D)), "irc://libera/BoB");
    });
  });

  describe("addressToJid errors", () => {
    it("refuses an XMPP address, which is its own JID", () => {
      assertCode(() => addressToJid(parseAddress("xmpp://home/juliet@capulet.example"), D), "GW_ERR_BAD_ADDRESS", "an xmpp address", /addressToXmppJid/);
    });

    it("refuses a native id with '%', which would read as an IRC address", () => {
      assertCode(() => addressToJid(parseAddress("native:bob%25libera"), D), "GW_ERR_BAD_ADDRESS", "native:bob%libera", /%/);
    });

    it("refuses a native address on an account other than default", () => {
      assertCode(() => addressToJid(makeAddress("native", "other", "alice"), D), "GW_ERR_BAD_ADDRESS", "native://other/alice");
    });

    it("refuses ids that have no localpart: leading or trailing spaces, unescapable characters", () => {
      assertCode(() => addressToJid(makeAddress("irc", "libera", " bob"), D), "GW_ERR_BAD_ADDRESS", "a leading space");
      assertCode(() => addressToJid(makeAddress("irc", "libera", "#a\u200bb"), D), "GW_ERR_BAD_ADDRESS", "a zero-width space");
      assertCode(() => addressToJid(makeAddress("native", "default", "a\u3000b"), D), "GW_ERR_BAD_ADDRESS", "an ideographic space");
    });

    it("refuses an IRC address whose localpart would pass 1023 bytes", () => {
      assert.doesNotThrow(() => addressToJid(makeAddress("irc", "libera", "x".repeat(1016)), D));
      assertCode(() => addressToJid(makeAddress("irc", "libera", "x".repeat(1017)), D), "GW_ERR_BAD_ADDRESS", "a 1024-byte localpart", /1023 bytes/);
    });

    it("refuses a gateway domain that is not a bare domain", () => {
      assertCode(() => addressToJid(parseAddress("native:alice"), "a@b"), "GW_ERR_BAD_ADDRESS", "a@b as domain");
      assertCode(() => addressToJid(parseAddress("native:alice"), ""), "GW_ERR_BAD_ADDRESS", "an empty domain");
    });
  });

  describe("jidToAddress errors", () => {
    it("answers GW_ERR_UNKNOWN_RECIPIENT for a JID on another domain", () => {
      assertCode(() => jidToAddress("alice@capulet.example", D), "GW_ERR_UNKNOWN_RECIPIENT", "another domain", /not on the gateway domain/);
      assertCode(() => jidToAddress(`alice@sub.${D}`, D), "GW_ERR_UNKNOWN_RECIPIENT", "a subdomain");
    });

    it("answers GW_ERR_UNKNOWN_RECIPIENT for the bare gateway domain, which is nobody", () => {
      assertCode(() => jidToAddress(D, D), "GW_ERR_UNKNOWN_RECIPIENT", "the bare domain", /gateway itself/);
      assertCode(() => jidToAddress(`${D}/resource`, D), "GW_ERR_UNKNOWN_RECIPIENT", "the domain with a resource");
    });

    it("answers GW_ERR_BAD_ADDRESS for a localpart that is not validly escaped", () => {
      assertCode(() => jidToAddress(`a b@${D}`, D), "GW_ERR_BAD_ADDRESS", "a raw space");
      assertCode(() => jidToAddress(`a:b%libera@${D}`, D), "GW_ERR_BAD_ADDRESS", "a raw colon");
      assertCode(() => jidToAddress(`\\20bob%libera@${D}`, D), "GW_ERR_BAD_ADDRESS", "a leading \\20");
      assertCode(() => jidToAddress(`a\u0001b@${D}`, D), "GW_ERR_BAD_ADDRESS", "a control character");
    });

    it("answers GW_ERR_BAD_ADDRESS for a non-canonical escaping, naming the canonical one", () => {
      assertCode(() => jidToAddress(`\\5cyy%libera@${D}`, D), "GW_ERR_BAD_ADDRESS", "\\5cyy", /canonical.*\\yy/);
    });

    it("answers GW_ERR_BAD_ADDRESS for an empty nick or a malformed network name", () => {
      assertCode(() => jidToAddress(`%libera@${D}`, D), "GW_ERR_BAD_ADDRESS", "an empty nick", /no nick or channel/);
      assertCode(() => jidToAddress(`bob%@${D}`, D), "GW_ERR_BAD_ADDRESS", "an empty network", /IRC network/);
      assertCode(() => jidToAddress(`bob%li+bera@${D}`, D), "GW_ERR_BAD_ADDRESS", "a network with '+'", /IRC network/);
      assertCode(() => jidToAddress(`bob%-libera@${D}`, D), "GW_ERR_BAD_ADDRESS", "a network starting with '-'");
    });

    it("answers GW_ERR_BAD_ADDRESS for malformed JIDs", () => {
      for (const jid of ["", "@", `@${D}`, `alice@`, `alice@${D}/`, `al ice@${D}`, `alice@switch board.localhost`, `alice@a..b`, `x@y@${D}`, `alice\n@${D}`]) {
        assertCode(() => jidToAddress(jid, D), "GW_ERR_BAD_ADDRESS", JSON.stringify(jid));
      }
    });
  });

  describe("network JIDs (a network's channel directory)", () => {
    it("reads %network@D as the network, and nothing else", () => {
      assert.equal(networkOfJid("%libera@gw.example.org", "gw.example.org"), "libera");
      assert.equal(networkOfJid("%irc.example.org@GW.example.org", "gw.example.org"), "irc.example.org");
      assert.equal(networkJid("libera", "gw.example.org"), "%libera@gw.example.org");
      for (const jid of ["libera@gw.example.org", "#dev%libera@gw.example.org", "%libera@other.example.org", "%@gw.example.org", "%lib era@gw.example.org", "%libera@gw.example.org/res", "gw.example.org"]) {
        assert.equal(networkOfJid(jid, "gw.example.org"), undefined, jid);
      }
    });
  });

  describe("parseJid", () => {
    it("splits a full JID into its parts, the localpart still escaped", () => {
      assert.deepEqual(parseJid("d\\27artagnan@musketeers.lit/gate way"), { local: "d\\27artagnan", domain: "musketeers.lit", resource: "gate way" });
      assert.deepEqual(parseJid("musketeers.lit"), { domain: "musketeers.lit" });
      assert.deepEqual(parseJid("a@b/c@d/e"), { local: "a", domain: "b", resource: "c@d/e" });
    });

    it("accepts IPv6 literals and strips the final dot of a domain", () => {
      assert.deepEqual(parseJid("a@[::1]"), { local: "a", domain: "[::1]" });
      assert.deepEqual(parseJid("a@example.com."), { local: "a", domain: "example.com" });
    });

    it("rejects over-long parts", () => {
      assert.doesNotThrow(() => parseJid(`${"l".repeat(1023)}@${"d".repeat(63)}/${"r".repeat(1023)}`));
      assertCode(() => parseJid(`${"l".repeat(1024)}@example.com`), "GW_ERR_BAD_ADDRESS", "a 1024-byte localpart");
      assertCode(() => parseJid(`a@example.com/${"r".repeat(1024)}`), "GW_ERR_BAD_ADDRESS", "a 1024-byte resource");
      assertCode(() => parseJid(`a@${"d".repeat(1024)}`), "GW_ERR_BAD_ADDRESS", "a 1024-byte domain");
    });

    it("formats what it parses back to the same text", () => {
      for (const text of ["a@b", "a@b/c", "b", "b/c", "#dev%libera@switchboard.localhost/x y"]) assert.equal(formatJid(parseJid(text)), text);
      assert.equal(bareJid("a@b/c"), "a@b");
    });
  });

  describe("XMPP people", () => {
    it("are addressed by their bare JID, folded to lower case, without resource", () => {
      const address = xmppUserAddress("Juliet@Capulet.Example/Balcony", "home");
      assert.deepEqual({ ...address }, { protocol: "xmpp", account: "home", id: "juliet@capulet.example" });
      assert.equal(formatAddress(address), "xmpp://home/juliet@capulet.example");
    });

    it("fold non-ASCII letters and normalize to NFC", () => {
      assert.equal(xmppUserAddress("J\u00dcRGEN@example.com", "home").id, "j\u00fcrgen@example.com");
      assert.equal(xmppUserAddress("ju\u0308rgen@example.com", "home").id, "j\u00fcrgen@example.com");
    });

    it("may be a bare domain, such as another gateway", () => {
      assert.equal(xmppUserAddress("IRC.example.org/x", "home").id, "irc.example.org");
    });

    it("keep their escaped localpart as it is on the wire", () => {
      assert.equal(xmppUserAddress("d\\27artagnan@musketeers.lit", "home").id, "d\\27artagnan@musketeers.lit");
    });

    it("have their bare JID back from addressToXmppJid", () => {
      assert.equal(addressToXmppJid(xmppUserAddress("juliet@capulet.example/balcony", "home")), "juliet@capulet.example");
    });

    it("are refused when the JID is malformed or the account is not an account name", () => {
      assertCode(() => xmppUserAddress("ju liet@capulet.example", "home"), "GW_ERR_BAD_ADDRESS", "a space in the localpart");
      assertCode(() => xmppUserAddress("juliet@capulet.example", "bad account"), "GW_ERR_BAD_ADDRESS", "a bad account");
    });

    it("cannot be formed from a non-XMPP address or an id with a resource", () => {
      assertCode(() => addressToXmppJid(parseAddress("native:alice")), "GW_ERR_BAD_ADDRESS", "a native address");
      assertCode(() => addressToXmppJid(makeAddress("xmpp", "home", "juliet@capulet.example/balcony")), "GW_ERR_BAD_ADDRESS", "a full JID");
      assertCode(() => addressToXmppJid(makeAddress("xmpp", "home", "ju liet@capulet.example")), "GW_ERR_BAD_ADDRESS", "a malformed JID");
    });
  });

  describe("accountRoute (the component's address through a linked account)", () => {
    const route = (text: string, gatewayDomain: string | undefined): string | undefined => {
      const routed = accountRoute(parseAddress(text), "u.alice", "alicex@localhost", gatewayDomain);
      return routed === undefined ? undefined : formatAddress(routed);
    };

    it("takes a person the component names through the account", () => {
      assert.equal(route("xmpp:juliet@capulet.example", D), "xmpp://u.alice/juliet@capulet.example");
      assert.equal(route("xmpp:bob@switchboard.localhost", undefined), "xmpp://u.alice/bob@switchboard.localhost", "no component: no domain of its own");
    });

    it("leaves the gateway's own domain, the account itself, servers, full JIDs and other networks as written", () => {
      for (const text of ["xmpp:bob@Switchboard.Localhost", "xmpp:alicex@localhost", "xmpp:capulet.example", "xmpp:juliet@capulet.example/balcony", "xmpp://bot/juliet@capulet.example", "xmpp://u.alice/juliet@capulet.example", "native:bob", "irc://libera/juliet"]) {
        assert.equal(route(text, D), undefined, text);
      }
    });
  });
  describe("roomAtJid (is a recipient one of the gateway's rooms?)", () => {
    it("finds rooms on the gateway's domain in any case, and nothing elsewhere, without throwing", () => {
      assert.deepEqual(roomAtJid(`#dev%libera@${D}`, D), makeAddress("irc", "libera", "#dev"));
      assert.deepEqual(roomAtJid(`#lobby@${D.toUpperCase()}.`, D), makeAddress("native", "default", "#lobby"));
      for (const jid of [`alice@${D}`, `#dev%libera@${D}/nick`, D, "#dev%libera@elsewhere.example", "juliet@example.org", "#x@", "@"]) {
        assert.equal(roomAtJid(jid, D), undefined, jid);
      }
    });
  });
});
