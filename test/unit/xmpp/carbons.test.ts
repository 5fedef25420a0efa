import assert from "node:assert/strict";
import type { Client } from "@xmpp/client";
import { parse, type Element } from "ltx";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";
import { Carbons, carbonCopy, offersCarbons, SeenChats } from "../../../src/adapters/xmpp/carbons.js";

const OWN = "alicex@example.org";

/** A message from `from` wrapping, as `kind`, a chat from `inner.from` to `inner.to`. */
function copy(kind: "sent" | "received", from: string | undefined, inner: { from: string; to: string; body?: string }): string {
  return (
    `<message xmlns="jabber:client" ${from === undefined ? "" : `from="${from}" `}to="${OWN}/switchboard" type="chat">` +
    `<${kind} xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">` +
    `<message xmlns="jabber:client" type="chat" id="c1" from="${inner.from}" to="${inner.to}"><body>${inner.body ?? "hi"}</body></message>` +
    `</forwarded></${kind}></message>`
  );
}

describe("message carbons (XEP-0280)", () => {
  describe("offersCarbons", () => {
    it("finds urn:xmpp:carbons:2 among a disco#info answer's features, and nothing else passes for it", () => {
      const answer = (features: string[]): string =>
        `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="server" type="im"/>${features.map((name) => `<feature var="${name}"/>`).join("")}</query></iq>`;
      assert.equal(offersCarbons(parse(answer(["urn:xmpp:ping", "urn:xmpp:carbons:2"]))), true);
      assert.equal(offersCarbons(parse(answer(["urn:xmpp:ping", "urn:xmpp:carbons:1", "urn:xmpp:carbons:rules:0"]))), false);
      assert.equal(offersCarbons(parse('<iq type="result"/>')), false);
    });
  });

  describe("carbonCopy", () => {
    it("takes a sent copy of the account's own message, and a received copy of a message to it, from the account's bare JID", () => {
      const sent = carbonCopy(parse(copy("sent", OWN, { from: `${OWN}/phone`, to: "juliet@example.net" })), OWN);
      assert.equal(sent.kind, "sent");
      assert.equal(sent.kind === "sent" && sent.message.getChildText("body"), "hi");
      assert.equal(carbonCopy(parse(copy("received", OWN, { from: "juliet@example.net/balcony", to: `${OWN}/phone` })), OWN).kind, "received");
      // No 'from': the server itself (RFC 6120 section 8.1.2.1); the account's JID in another case is the same JID.
      assert.equal(carbonCopy(parse(copy("received", undefined, { from: "juliet@example.net", to: OWN })), OWN).kind, "received");
      assert.equal(carbonCopy(parse(copy("sent", "AliceX@Example.org", { from: `${OWN}/phone`, to: "juliet@example.net" })), OWN).kind, "sent");
    });

    it("says a message without a copy is none", () => {
      assert.deepEqual(carbonCopy(parse(`<message from="juliet@example.net/b" to="${OWN}" type="chat"><body>hi</body></message>`), OWN), { kind: "none" });
    });

    it("refuses copies from anyone but the account's bare JID (section 11)", () => {
      for (const from of ["juliet@example.net/balcony", "juliet@example.net", `${OWN}/phone`, "example.org", "not a jid"]) {
        const result = carbonCopy(parse(copy("sent", from, { from: `${OWN}/phone`, to: "romeo@example.net" })), OWN);
        assert.equal(result.kind, "refused", from);
      }
    });

    it("refuses a sent copy of someone else's message and a received copy of a message to someone else", () => {
      assert.deepEqual(carbonCopy(parse(copy("sent", OWN, { from: "romeo@example.net/x", to: "juliet@example.net" })), OWN), { kind: "refused", reason: "a sent copy of someone else's message" });
      assert.deepEqual(carbonCopy(parse(copy("received", OWN, { from: "romeo@example.net/x", to: "juliet@example.net" })), OWN), {
        kind: "refused",
        reason: "a received copy of a message to someone else",
      });
    });

    it("refuses a copy with nothing forwarded, and a copy of a copy", () => {
      const empty = parse(`<message from="${OWN}" type="chat"><sent xmlns="urn:xmpp:carbons:2"/></message>`);
      assert.deepEqual(carbonCopy(empty, OWN), { kind: "refused", reason: "a copy without a forwarded message" });
      const nested = parse(
        `<message from="${OWN}" type="chat"><received xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">` +
          `<message from="juliet@example.net" to="${OWN}">${copy("sent", OWN, { from: `${OWN}/phone`, to: "romeo@example.net" }).replace(/^<message[^>]*>|<\/message>$/g, "")}</message>` +
          `</forwarded></received></message>`,
      );
      assert.deepEqual(carbonCopy(nested, OWN), { kind: "refused", reason: "a copy of a copy" });
    });
  });

  describe("SeenChats", () => {
    it("takes a message once by sender, id and body, for ten minutes; one without an id always", () => {
      let now = 1_000_000;
      const seen = new SeenChats(() => now);
      const juliet = parseAddress("xmpp://u.alice/juliet@example.net");
      const romeo = parseAddress("xmpp://u.alice/romeo@example.net");
      assert.equal(seen.first(juliet, "m1", "hello"), true);
      assert.equal(seen.first(juliet, "m1", "hello"), false, "the same message again");
      assert.equal(seen.first(juliet, "m1", "another"), true, "another message under a reused id");
      assert.equal(seen.first(romeo, "m1", "hello"), true, "another sender");
      assert.equal(seen.first(juliet, undefined, "hello"), true);
      assert.equal(seen.first(juliet, undefined, "hello"), true, "no id: cannot be told apart");
      now += 10 * 60 * 1000;
      assert.equal(seen.first(juliet, "m1", "hello"), true, "long after: a new message that reuses an old id");
    });
  });

  describe("Carbons", () => {
    const owner = parseAddress("native:alice");
    let recorded: MessageDraft[];
    let carbons: Carbons;

    beforeEach(() => {
      recorded = [];
      const context = {
        account: "u.alice",
        log: createLogger("silent"),
        recordSentElsewhere: async (draft: MessageDraft): Promise<Message> => {
          recorded.push(draft);
          return { ...draft, id: `g${recorded.length}`, timestamp: 1, hops: [] };
        },
      } as unknown as AdapterContext;
      // talk@conference.example.net is a MUC the gateway's session joined: its occupants are addresses of their own.
      const occupantAt = (jid: string): Address | undefined => (jid.startsWith("talk@conference.example.net/") ? parseAddress(`xmpp://u.alice/${jid.replace("/", "%2F")}`) : undefined);
      carbons = new Carbons(context, owner, OWN, "switchboard", occupantAt);
    });

    /** What becomes of a message stanza, as the linked account handles it. */
    async function take(text: string): Promise<ReturnType<Carbons["copyIn"]>> {
      const found = carbons.copyIn(parse(text));
      if (found.kind === "sent") await carbons.sent(found.message);
      return found;
    }

    it("records the user's chat from another client as hers, to the contact", async () => {
      assert.equal((await take(copy("sent", OWN, { from: `${OWN}/phone`, to: "Juliet@Example.net/balcony", body: "from the bus" }))).kind, "sent");
      assert.deepEqual(
        recorded.map((draft) => [draft.from, draft.to, draft.body, draft.senderName, draft.origin]),
        [[owner, parseAddress("xmpp://u.alice/juliet@example.net"), "from the bus", "alice", { protocol: "xmpp", account: "u.alice", id: "c1" }]],
      );
    });

    it("records her private message from another client to an occupant of a MUC the session is in as to that occupant, nick and all", async () => {
      await take(copy("sent", OWN, { from: `${OWN}/phone`, to: "talk@conference.example.net/Juliet", body: "psst" }));
      await take(copy("sent", OWN, { from: `${OWN}/phone`, to: "other@conference.example.net/Juliet", body: "elsewhere" }));
      assert.deepEqual(
        recorded.map((draft) => [draft.to, draft.body]),
        [
          [parseAddress("xmpp://u.alice/talk@conference.example.net%2FJuliet"), "psst"],
          [parseAddress("xmpp://u.alice/other@conference.example.net"), "elsewhere"],
        ],
      );
    });

    it("records nothing for a copy of the gateway's own session, of a chat state, or to no person", async () => {
      await take(copy("sent", OWN, { from: `${OWN}/switchboard`, to: "juliet@example.net" }));
      const state =
        `<message from="${OWN}" type="chat"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">` +
        `<message type="chat" from="${OWN}/phone" to="juliet@example.net"><composing xmlns="http://jabber.org/protocol/chatstates"/></message></forwarded></sent></message>`;
      await take(state);
      await take(copy("sent", OWN, { from: `${OWN}/phone`, to: "example.net" }));
      assert.deepEqual(recorded, []);
    });

    /** A connection whose server answers disco#info with `features`, and every other iq with a result (or fails all). */
    function server(features: string[] | "unreachable"): Client {
      const request = async (iq: Element): Promise<Element> => {
        if (features === "unreachable") throw new Error("timeout");
        if (iq.getChild("query", "http://jabber.org/protocol/disco#info") === undefined) return parse('<iq type="result"/>');
        return parse(`<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info">${features.map((name) => `<feature var="${name}"/>`).join("")}</query></iq>`);
      };
      return { iqCaller: { request } } as unknown as Client;
    }

    it("enables carbons only where offered, and only then takes a contact's chat once (without them nothing changes)", async () => {
      const juliet = parseAddress("xmpp://u.alice/juliet@example.net");
      assert.deepEqual([carbons.once(juliet, "m1", "hi"), carbons.once(juliet, "m1", "hi")], [true, true], "not enabled yet");
      assert.equal(await carbons.enable(server(["urn:xmpp:carbons:2"]), "example.org"), true);
      assert.deepEqual([carbons.once(juliet, "m2", "hi"), carbons.once(juliet, "m2", "hi")], [true, false]);
      assert.equal(await carbons.enable(server(["urn:xmpp:ping"]), "example.org"), false, "a server without them, at the next login");
      assert.deepEqual([carbons.once(juliet, "m3", "hi"), carbons.once(juliet, "m3", "hi")], [true, true]);
      assert.equal(await carbons.enable(server("unreachable"), "example.org"), false, "a server that does not answer: the login goes on without");
    });

    it("gives the message of a received copy, and none for a refused one (the stanza is handled as it is)", async () => {
      const received = await take(copy("received", OWN, { from: "juliet@example.net/b", to: `${OWN}/phone`, body: "to the phone" }));
      assert.equal(received.kind === "received" && received.message.getChildText("body"), "to the phone");
      assert.deepEqual(await take(copy("received", "juliet@example.net", { from: "romeo@example.net/b", to: `${OWN}/phone` })), { kind: "none" });
      assert.deepEqual(recorded, []);
    });
  });
});
