/**
 * Proves the real-Prosody fixture that the XMPP integration tests stand on: start, accounts, logins, a chat
 * message both ways, an external component (XEP-0114) handshake, a restart on the same ports, and clean-up.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { component, xml } from "@xmpp/component";
import type { Element } from "ltx";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { within } from "../helpers/within.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const TEXT = "Grüße, 世界 👋🏽 <&> \"quotes\"";

describe("the Prosody test fixture", function () {
  let server: ProsodyServer;
  const clients: XmppTestClient[] = [];

  before(async function () {
    // Installing the Debian package on a fresh root machine may take minutes; start-up itself is bounded.
    this.timeout(11 * 60 * 1000);
    server = await startProsody({ users: [{ name: "alice", password: "alice-pw" }] });
    await server.register("bob", "bob-pw");
  });

  afterEach(async function () {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    if (this.currentTest?.state === "failed") console.log(server.log().slice(-4000));
  });

  after(async function () {
    const dir = server?.dataDir;
    await server?.dispose();
    if (dir) assert.equal(existsSync(dir), false, "dispose removes the temporary directory");
  });

  it("listens on free loopback ports of its own", function () {
    assert.equal(server.host, "127.0.0.1");
    assert.notEqual(server.c2sPort, 5222);
    assert.notEqual(server.c2sPort, server.componentPort);
    assert.equal(server.componentDomain, "switchboard.localhost");
    assert.equal(server.mucDomain, "conference.localhost");
  });

  it("logs two users in quickly and carries UTF-8 and emoji both ways", async function () {
    const started = Date.now();
    const alice = await XmppTestClient.connect(server, "alice", "alice-pw", "desk");
    const loginMs = Date.now() - started;
    const bob = await XmppTestClient.connect(server, "bob", "bob-pw");
    clients.push(alice, bob);
    assert.equal(alice.jid, "alice@localhost/desk");
    assert.ok(loginMs < 500, `a loopback login takes ${loginMs} ms`);

    await alice.sendMessage(bob.jid, TEXT);
    const received = await bob.waitForMessage(alice.jid);
    assert.equal(received.getChildText("body"), TEXT);

    await bob.sendMessage(alice.jid, `re: ${TEXT}`);
    const reply = await alice.waitForMessage(bob.bareJid);
    assert.equal(reply.getChildText("body"), `re: ${TEXT}`);
    assert.deepEqual(alice.errors, []);
  });

  it("answers iq requests and reports iq errors with their condition", async function () {
    const alice = await XmppTestClient.connect(server, "alice", "alice-pw");
    clients.push(alice);
    const version = await alice.iq(xml("iq", { type: "get", to: server.domain }, xml("query", { xmlns: "jabber:iq:version" })));
    assert.equal(version.getChild("query", "jabber:iq:version")?.getChildText("name"), "Prosody");
    await assert.rejects(alice.iq(xml("iq", { type: "get", to: server.domain }, xml("query", { xmlns: "urn:example:nothing" }))), /service-unavailable/);
  });

  it("opens a MUC room at first join and echoes groupchat to every occupant", async function () {
    const alice = await XmppTestClient.connect(server, "alice", "alice-pw");
    const bob = await XmppTestClient.connect(server, "bob", "bob-pw");
    clients.push(alice, bob);
    const room = `lobby@${server.mucDomain}`;
    const muc = (): Element => xml("x", { xmlns: "http://jabber.org/protocol/muc" });
    const selfPresence = (stanza: Element): boolean =>
      stanza.getChild("x", "http://jabber.org/protocol/muc#user")?.getChildren("status").some((status) => status.attrs["code"] === "110") ?? false;
    await alice.send(xml("presence", { to: `${room}/Alice` }, muc()));
    await alice.waitForPresence(`${room}/Alice`, selfPresence);
    await bob.send(xml("presence", { to: `${room}/Bob` }, muc()));
    await bob.waitForPresence(`${room}/Bob`, selfPresence);

    const id = alice.id("g");
    await alice.send(xml("message", { to: room, type: "groupchat", id }, xml("body", {}, TEXT)));
    const atBob = await bob.waitForMessage(`${room}/Alice`);
    assert.equal(atBob.getChildText("body"), TEXT);
    const echo = await alice.waitForMessage(`${room}/Alice`, (message) => message.attrs["id"] === id);
    assert.equal(echo.getChildText("body"), TEXT);
  });

  it("rejects a wrong password", async function () {
    await assert.rejects(XmppTestClient.connect(server, "alice", "wrong"), /not-authorized/);
  });

  it("accepts an external component with the secret and routes a user's message to it", async function () {
    const connection = component({ service: `xmpp://${server.host}:${server.componentPort}`, domain: server.componentDomain, password: server.componentSecret });
    connection.reconnect.stop();
    connection.on("error", () => undefined);
    const stanzas: Element[] = [];
    const got = new Promise<Element>((resolve) => connection.on("stanza", (stanza: Element) => (stanza.is("message") ? resolve(stanza) : stanzas.push(stanza))));
    try {
      await connection.start();
      const alice = await XmppTestClient.connect(server, "alice", "alice-pw");
      clients.push(alice);
      await alice.sendMessage(`room@${server.componentDomain}`, TEXT);
      const message = await within(got, "the message at the component", 3000);
      assert.equal(message.attrs["from"], alice.jid);
      assert.equal(message.getChildText("body"), TEXT);

      await connection.send(xml("message", { from: `bot@${server.componentDomain}`, to: alice.jid, type: "chat" }, xml("body", {}, "hi from the component")));
      const back = await alice.waitForMessage(`bot@${server.componentDomain}`);
      assert.equal(back.getChildText("body"), "hi from the component");
    } finally {
      await connection.stop().catch(() => undefined);
    }
  });

  it("refuses a component with the wrong secret", async function () {
    const connection = component({ service: `xmpp://${server.host}:${server.componentPort}`, domain: server.componentDomain, password: "wrong" });
    connection.reconnect.stop();
    connection.on("error", () => undefined);
    try {
      await assert.rejects(within(connection.start(), "the refused handshake", 3000), /not-authorized/);
    } finally {
      await connection.stop().catch(() => undefined);
    }
  });

  it("restarts on the same ports with its accounts kept", async function () {
    const alice = await XmppTestClient.connect(server, "alice", "alice-pw");
    const ports = [server.c2sPort, server.componentPort];
    await server.restart();
    assert.deepEqual([server.c2sPort, server.componentPort], ports);
    await alice.stop();
    const again = await XmppTestClient.connect(server, "bob", "bob-pw");
    clients.push(again);
    assert.equal(again.jid.split("/")[0], "bob@localhost");
  });
});
