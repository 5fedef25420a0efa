/**
 * The XMPP component (XEP-0114) against a real Prosody: XMPP users and native users befriend each other,
 * see each other's presence and chat (a Prosody restart mid-conversation: xmpp-confirmation.test.ts; the gateway's
 * rooms as MUCs: xmpp-gateway-muc.test.ts).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import { XmppTestClient, type PresenceShow } from "../helpers/xmpp-client.js";
import { capsOfPresence, verifyCaps } from "../helpers/entity-caps.js";

const TEXT = "Grüße, 世界 👋🏽 <&> \"quotes\"";

describe("the XMPP component against Prosody", function () {
  // Strangers may write here (messages_from: anyone); xmpp-message-policy.test.ts covers "contacts".
  const { prosody, daemon, nativeAs, xmppUserAs: xmppUser, closing } = useNetworks({ ircServer: "none" });

  function native(name: string): Promise<NativeClient> {
    return nativeAs(name, { register: true });
  }

  function gatewayJid(nativeName: string): string {
    return `${nativeName}@${prosody().componentDomain}`;
  }

  /** An XMPP user and a native user subscribe to each other, each approving the other. */
  async function befriend(juliet: XmppTestClient, romeo: NativeClient, romeoName: string): Promise<void> {
    const julietAddress = `xmpp:${juliet.bareJid}`;
    await juliet.send(xml("presence", { to: gatewayJid(romeoName), type: "subscribe" }));
    await romeo.waitForType("subscription", (frame) => frame["from"] === julietAddress && frame["action"] === "request");
    await romeo.ok({ type: "presence.approve", address: julietAddress });
    await juliet.waitForPresence(gatewayJid(romeoName), (stanza) => stanza.attrs["type"] === undefined);
    const roster = await juliet.iq(xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:roster" })));
    const item = roster.getChild("query")?.getChildren("item").find((entry) => entry.attrs["jid"] === gatewayJid(romeoName));
    assert.equal(item?.attrs["subscription"], "to", "juliet's server recorded the approval");

    await romeo.ok({ type: "presence.subscribe", address: julietAddress });
    await juliet.waitForPresence(gatewayJid(romeoName), (stanza) => stanza.attrs["type"] === "subscribe");
    await juliet.send(xml("presence", { to: gatewayJid(romeoName), type: "subscribed" }));
    await romeo.waitForType("subscription", (frame) => frame["from"] === julietAddress && frame["action"] === "approve");
    await romeo.waitForType("presence", (frame) => frame["from"] === julietAddress && frame["show"] === "online");
  }

  it("lets an XMPP user and a native user befriend each other and see every show value with status text", async function () {
    const julietName = uniqueUser("juliet");
    const romeoName = uniqueUser("romeo");
    const juliet = await xmppUser(julietName);
    const romeo = await native(romeoName);
    await befriend(juliet, romeo, romeoName);

    for (const [show, status] of [["away", "balcony"], ["xa", "exiled"], ["dnd", "busy"], ["chat", "talk"], ["online", ""]] as const) {
      await romeo.ok({ type: "presence.set", show, status });
      const seen = await juliet.waitForPresence(gatewayJid(romeoName), (stanza) => stanza.attrs["type"] === undefined && stanza.getChildText("status") === (status || null));
      assert.equal(seen.getChildText("show"), show === "online" ? null : show);
    }

    for (const [show, status] of [["away", "out"], ["xa", "far"], ["dnd", "do not"], ["chat", "free"]] as const) {
      await juliet.sendPresence(show as PresenceShow, status);
      const seen = await romeo.waitForType("presence", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["status"] === status);
      assert.equal(seen["show"], show);
    }
    await juliet.send(xml("presence", { type: "unavailable" }));
    const offline = await romeo.waitForType("presence", (frame) => frame["from"] === `xmpp:${juliet.bareJid}` && frame["show"] === "offline");
    assert.equal(offline["show"], "offline");
  });

  it("carries direct messages both ways with UTF-8 and emoji, and /me as an action", async function () {
    const julietName = uniqueUser("jul");
    const romeoName = uniqueUser("rom");
    const juliet = await xmppUser(julietName);
    const romeo = await native(romeoName);

    await juliet.sendMessage(gatewayJid(romeoName), TEXT);
    const received = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([received["from"], received["body"], received["kind"]], [`xmpp:${juliet.bareJid}`, TEXT, "text"]);

    await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: `re: ${TEXT}` });
    const reply = await juliet.waitForMessage(gatewayJid(romeoName));
    assert.equal(reply.getChildText("body"), `re: ${TEXT}`);

    await juliet.sendMessage(gatewayJid(romeoName), "/me bows");
    const action = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([action["body"], action["kind"]], ["bows", "action"]);
    await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "waves back", kind: "action" });
    assert.equal((await juliet.waitForMessage(gatewayJid(romeoName))).getChildText("body"), "/me waves back");
  });

  it("translates chat states to typing and back, and carries corrections as replaces", async function () {
    const julietName = uniqueUser("typist");
    const romeoName = uniqueUser("reader");
    const juliet = await xmppUser(julietName);
    const romeo = await native(romeoName);

    await juliet.send(xml("message", { to: gatewayJid(romeoName), type: "chat" }, xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" })));
    assert.deepEqual(await romeo.waitForType("typing"), { type: "typing", from: `xmpp:${juliet.bareJid}`, state: "composing" });
    await romeo.ok({ type: "typing", to: `xmpp:${juliet.bareJid}`, state: "paused" });
    const paused = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChild("paused", "http://jabber.org/protocol/chatstates") !== undefined);
    assert.equal(paused.attrs["from"], gatewayJid(romeoName));

    const originalId = await juliet.sendMessage(gatewayJid(romeoName), "teh tpyo");
    const original = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    await juliet.send(
      xml("message", { to: gatewayJid(romeoName), type: "chat", id: "fix-1" }, xml("body", {}, "the typo"), xml("replace", { xmlns: "urn:xmpp:message-correct:0", id: originalId })),
    );
    const corrected = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([corrected["body"], corrected["replaces"]], ["the typo", original["id"]]);
    // A correction sent right after its line, before the gateway is done accepting the line, is a correction too.
    const quickId = await juliet.sendMessage(gatewayJid(romeoName), "brb, cofee");
    await juliet.send(xml("message", { to: gatewayJid(romeoName), type: "chat", id: "fix-2" }, xml("body", {}, "brb, coffee"), xml("replace", { xmlns: "urn:xmpp:message-correct:0", id: quickId })));
    const quick = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    const quickFix = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([quick["body"], quickFix["body"], quickFix["replaces"]], ["brb, cofee", "brb, coffee", quick["id"]]);

    const sent = await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "mispelled" });
    await juliet.waitForMessage(gatewayJid(romeoName));
    await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "misspelled", replaces: sent["message_id"] as string });
    const fixed = await juliet.waitForMessage(gatewayJid(romeoName));
    assert.equal(fixed.getChild("replace", "urn:xmpp:message-correct:0")?.attrs["id"], sent["message_id"]);
  });

  it("sends a XEP-0184 receipt once the message reached the native user, also when they log in later", async function () {
    const julietName = uniqueUser("receipt");
    const romeoName = uniqueUser("later");
    const juliet = await xmppUser(julietName);
    const romeo = await native(romeoName);
    await romeo.close();
    await juliet.send(xml("message", { to: gatewayJid(romeoName), type: "chat", id: "r-1" }, xml("body", {}, "read me"), xml("request", { xmlns: "urn:xmpp:receipts" })));
    await juliet.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    assert.equal(juliet.received.filter((stanza) => stanza.getChild("received", "urn:xmpp:receipts")).length, 0, "no receipt while romeo is offline");
    const back = await nativeAs(romeoName);
    await back.waitForType("message");
    const receipt = await juliet.waitFor((stanza) => stanza.getChild("received", "urn:xmpp:receipts")?.attrs["id"] === "r-1");
    assert.equal(receipt.attrs["from"], gatewayJid(romeoName));
  });

  it("tells the native sender when the XMPP server bounces a message", async function () {
    const romeo = await native(uniqueUser("bounced"));
    const ghost = `xmpp:nobody-${uniqueUser("ghost")}@${prosody().domain}`;
    const sent = await romeo.ok({ type: "message.send", to: ghost, body: "anyone there?" });
    const failed = await romeo.waitForType("message.failed");
    assert.deepEqual([failed["message_id"], failed["to"], failed["code"]], [sent["message_id"], ghost, "GW_ERR_DELIVERY_FAILED"]);
  });

  it("does not let a room occupant make another member's room message read as failed with a bounce of its own", async function () {
    const ownerName = uniqueUser("host");
    const owner = await native(ownerName);
    const roomName = uniqueUser("bounce");
    await owner.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${prosody().componentDomain}`;
    const mallory = await xmppUser(uniqueUser("occupant"));
    await mallory.send(xml("presence", { to: `${roomJid}/Mallory` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await mallory.waitForPresence(`${roomJid}/Mallory`);
    const sent = await owner.ok({ type: "room.send", room: roomName, body: "hello room" });
    const line = await mallory.waitForMessage(`${roomJid}/${ownerName}`);
    assert.equal(line.attrs["id"], sent["message_id"]);
    const error = xml("error", { type: "cancel" }, xml("recipient-unavailable", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" }), xml("text", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" }, "your account is closed"));
    await mallory.send(xml("message", { to: `${roomJid}/${ownerName}`, type: "error", id: String(sent["message_id"]) }, error));
    await daemon().waitForLog(new RegExp(`"id":"${String(sent["message_id"])}"[^\n]*bounce ignored`));
    await owner.ok({ type: "ping" });
    assert.deepEqual(owner.pending("message.failed"), []);
  });

  it("answers a message to nobody on the gateway with item-not-found", async function () {
    const juliet = await xmppUser(uniqueUser("lost"));
    const id = await juliet.sendMessage(gatewayJid("nobody-at-all"), "hello?");
    const error = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "error" && stanza.attrs["id"] === id);
    assert.ok(error.getChild("error")?.getChild("item-not-found"), error.toString());
  });

  it("answers bad stanzas with the proper stanza errors and keeps serving everyone", async function () {
    const mallory = await xmppUser(uniqueUser("mallory"));
    const romeoName = uniqueUser("calm");
    const romeo = await native(romeoName);

    const huge = await mallory.sendMessage(gatewayJid(romeoName), "x".repeat(70 * 1024));
    const tooBig = await mallory.waitFor((stanza) => stanza.attrs["id"] === huge && stanza.attrs["type"] === "error");
    assert.ok(tooBig.getChild("error")?.getChild("policy-violation"), tooBig.toString());

    // "a\5cyy" is not the canonical XEP-0106 form of any name: refused as malformed, not guessed at.
    const odd = await mallory.sendMessage(`a\\5cyy@${prosody().componentDomain}`, "hello?");
    const malformed = await mallory.waitFor((stanza) => stanza.attrs["id"] === odd && stanza.attrs["type"] === "error");
    assert.ok(malformed.getChild("error")?.getChild("jid-malformed"), malformed.toString());

    await mallory.send(xml("presence", { to: gatewayJid("nobody-here"), type: "subscribe", id: "sub-1" }));
    const unknown = await mallory.waitFor((stanza) => stanza.is("presence") && stanza.attrs["type"] === "error");
    assert.ok(unknown.getChild("error")?.getChild("item-not-found"), unknown.toString());

    const fine = await mallory.sendMessage(gatewayJid(romeoName), "still works");
    const received = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.equal(received["body"], "still works");
    assert.equal(mallory.received.filter((stanza) => stanza.attrs["id"] === fine && stanza.attrs["type"] === "error").length, 0);
  });

  it("keeps running and retries with backoff when the XMPP server refuses the component's secret", async function () {
    const wrong = Daemon.create(
      ["log:", "  level: debug", "xmpp:", "  component:", "    enabled: true", `    domain: ${prosody().componentDomain}`, `    port: ${prosody().componentPort}`, "    secret: not-the-secret"].join("\n"),
    );
    try {
      await wrong.start();
      await wrong.waitForLog(/adapter down; restarting after backoff/, 20000);
      assert.match(wrong.log, /not-authorized|cannot connect/);
      const client = await NativeClient.session(wrong.url, uniqueUser("typist"), PASSWORD, { register: true });
      // Typing to someone on the network that is down: lost, as chat states may be, with a debug line each, not an error.
      for (let i = 0; i < 5; i++) await client.ok({ type: "typing", to: "xmpp:juliet@localhost", state: "composing" });
      await wrong.waitForLog(/(typing notification not sent[\s\S]*){5}/);
      assert.doesNotMatch(wrong.log, /event not handled/);
      await client.close();
    } finally {
      await wrong.dispose();
    }
  });

  it("folds the case of XMPP addresses written by native clients, and refuses full JIDs", async function () {
    const julietName = uniqueUser("case");
    const juliet = await xmppUser(julietName);
    const romeo = await native(uniqueUser("caps"));
    await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid.toUpperCase()}`, body: "shouting" });
    assert.equal((await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "shouting")).attrs["to"], juliet.bareJid);
    const full = await romeo.request({ type: "message.send", to: `xmpp:${juliet.bareJid}/phone`, body: "x" });
    assert.equal(full["code"], "GW_ERR_BAD_ADDRESS");
  });

  it("refuses a native user's message to a JID of the gateway's own domain, naming the address to write to", async function () {
    const aliceName = uniqueUser("face");
    await native(aliceName);
    const romeo = await native(uniqueUser("selfie"));
    // Sent out, it would come back from the XMPP server as a message from the XMPP user alice@<domain>.
    for (const [jid, meant] of [[gatewayJid(aliceName), `native:${aliceName}`], [`bob%25libera@${prosody().componentDomain}`, "irc://libera/bob"]]) {
      const refused = await romeo.request({ type: "message.send", to: `xmpp:${jid}`, body: "round trip" });
      assert.equal(refused["code"], "GW_ERR_BAD_ADDRESS");
      assert.ok(String(refused["message"]).endsWith(`write to ${meant}`), String(refused["message"]));
    }
  });

  it("describes itself through service discovery, version and ping", async function () {
    const juliet = await xmppUser(uniqueUser("disco"));
    const info = await juliet.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    const identity = info.getChild("query")?.getChild("identity");
    assert.equal(identity?.attrs["category"], "gateway");
    const version = await juliet.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("query", { xmlns: "jabber:iq:version" })));
    assert.equal(version.getChild("query")?.getChildText("name"), "Switchboard");
    await juliet.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("ping", { xmlns: "urn:xmpp:ping" })));
  });

  it("announces a native contact's capabilities (XEP-0115) in its presence, pushed and probed, as its disco#info answers them", async function () {
    const julietName = uniqueUser("capsj");
    const romeoName = uniqueUser("capsr");
    const juliet = await xmppUser(julietName);
    const romeo = await native(romeoName);
    await befriend(juliet, romeo, romeoName);

    await romeo.ok({ type: "presence.set", show: "away", status: "with caps" });
    const pushed = await juliet.waitForPresence(gatewayJid(romeoName), (stanza) => stanza.getChildText("status") === "with caps");
    assert.equal(pushed.getChildText("show"), "away", "the rest of the presence is as before");
    const features = await verifyCaps(juliet, pushed);
    for (const feature of ["http://jabber.org/protocol/chatstates", "urn:xmpp:receipts", "urn:xmpp:message-correct:0", "urn:xmpp:ping", "http://jabber.org/protocol/caps"]) {
      assert.ok(features.includes(feature), `${feature} missing from ${JSON.stringify(features)}`);
    }

    // Her second client's initial presence makes her server probe romeo: the answer carries the same caps.
    const phone = closing(await XmppTestClient.connect(prosody(), julietName, PASSWORD, "phone"));
    await phone.sendPresence();
    const probed = await phone.waitForPresence(gatewayJid(romeoName), (stanza) => stanza.attrs["type"] === undefined);
    assert.deepEqual(capsOfPresence(probed), capsOfPresence(pushed));
  });

  it("tells an XMPP client how to write a contact of another network (XEP-0100 jabber:iq:gateway), escaped as JIDs need", async function () {
    const juliet = await xmppUser(uniqueUser("adder"));
    const features = (await juliet.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }))))
      .getChild("query")
      ?.getChildren("feature")
      .map((feature) => feature.attrs["var"]);
    assert.ok(features?.includes("jabber:iq:gateway"), JSON.stringify(features));
    const asked = (await juliet.iq(xml("iq", { type: "get", to: prosody().componentDomain }, xml("query", { xmlns: "jabber:iq:gateway" })))).getChild("query");
    assert.equal(asked?.getChildText("prompt"), "Contact");
    assert.match(asked?.getChildText("desc") ?? "", /nick%network/);
    const jidFor = async (typed: string): Promise<string | null | undefined> =>
      (await juliet.iq(xml("iq", { type: "set", to: prosody().componentDomain }, xml("query", { xmlns: "jabber:iq:gateway" }, xml("prompt", {}, typed))))).getChild("query")?.getChildText("jid");
    // XEP-0106: a backslash before what reads as an escape is escaped itself; one that does not, is not.
    assert.equal(await jidFor("x\\20y%libera"), `x\\5c20y%libera@${prosody().componentDomain}`);
    assert.equal(await jidFor("Bob\\away%libera"), `Bob\\away%libera@${prosody().componentDomain}`);
    assert.equal(await jidFor(" Alice "), `alice@${prosody().componentDomain}`);
    assert.equal(await jidFor("irc://libera/o'neil"), `o\\27neil%libera@${prosody().componentDomain}`);
    await assert.rejects(jidFor("   "), /jid-malformed/);
    await assert.rejects(jidFor("irc://libera/%23dev"), /jid-malformed/);
  });
});
