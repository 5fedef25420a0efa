/**
 * The identity.* frames against the real daemon, with the native network alone: what a client sees before
 * any other network is involved (nothing linked, addresses that are not accounts elsewhere, no network to
 * send a code to, unlinking what is not linked, malformed frames). The whole flow, with a code sent over
 * XMPP and IRC and sent back, is test/integration/identity-linking.test.ts.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const PASSWORD = "correct horse battery";

describe("identity frames on a gateway without other networks", function () {
  let daemon: Daemon;
  let alice: NativeClient;
  let aliceName: string;
  let bobName: string;
  const clients: NativeClient[] = [];

  before(async function () {
    daemon = Daemon.create();
    await daemon.start();
    aliceName = uniqueUser("alice");
    bobName = uniqueUser("bob");
    alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
    clients.push(alice, await NativeClient.session(daemon.url, bobName, PASSWORD, { register: true }));
  });
  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await daemon?.dispose();
  });

  function refusal(answer: Frame, code: string, requestId?: string): void {
    assert.equal(answer.type, "error", JSON.stringify(answer));
    assert.equal(answer["code"], code, JSON.stringify(answer));
    if (requestId !== undefined) assert.equal(answer["id"], requestId);
  }

  it("lists no links for a new user", async function () {
    const answer = await alice.ok({ type: "identity.list", id: "l1" });
    assert.deepEqual(answer, { type: "ok", id: "l1", links: [] });
  });

  it("refuses to link a native address: a Switchboard user is a person, not an account elsewhere", async function () {
    refusal(await alice.request({ type: "identity.link", id: "n1", address: `native:${bobName}` }), "GW_ERR_BAD_ADDRESS", "n1");
    refusal(await alice.request({ type: "identity.link", address: `native:${aliceName.toUpperCase()}` }), "GW_ERR_BAD_ADDRESS");
    refusal(await alice.request({ type: "identity.link", address: "native:%23lobby" }), "GW_ERR_BAD_ADDRESS");
  });

  it("refuses addresses that do not parse or are not accounts", async function () {
    for (const address of ["gopher:bob", "xmpp:%zz@example.org", "xmpp:juliet@example.org/phone", "xmpp:example.org", "irc://libera/%23dev"]) {
      refusal(await alice.request({ type: "identity.link", address }), "GW_ERR_BAD_ADDRESS");
    }
  });

  it("answers GW_ERR_NO_ROUTE for an XMPP or IRC account when no such network is configured", async function () {
    const xmpp = await alice.request({ type: "identity.link", id: "x1", address: "xmpp:juliet@example.org" });
    refusal(xmpp, "GW_ERR_NO_ROUTE", "x1");
    assert.match(String(xmpp["message"]), /xmpp:juliet@example\.org/);
    refusal(await alice.request({ type: "identity.link", address: "irc://libera/bob" }), "GW_ERR_NO_ROUTE");
  });

  it("answers GW_ERR_NOT_FOUND for unlinking an account that is not linked", async function () {
    refusal(await alice.request({ type: "identity.unlink", id: "u1", address: "xmpp:juliet@example.org" }), "GW_ERR_NOT_FOUND", "u1");
    refusal(await alice.request({ type: "identity.unlink", address: "irc://libera/bob" }), "GW_ERR_NOT_FOUND");
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], []);
  });

  it("refuses malformed identity frames with GW_ERR_BAD_FRAME, naming the field", async function () {
    const missing = await alice.request({ type: "identity.link", id: "b1" });
    refusal(missing, "GW_ERR_BAD_FRAME", "b1");
    assert.equal(missing["message"], 'identity.link: frame: missing field "address"');
    const person = await alice.request({ type: "identity.link", id: "b2", address: "xmpp:juliet@example.org", person: `native:${bobName}` });
    refusal(person, "GW_ERR_BAD_FRAME", "b2");
    assert.equal(person["message"], 'identity.link: frame: unknown field "person"');
    refusal(await alice.request({ type: "identity.unlink", address: 7 }), "GW_ERR_BAD_FRAME");
    refusal(await alice.request({ type: "identity.list", owner: `native:${bobName}` }), "GW_ERR_BAD_FRAME");
    alice.sendRaw('{"type": "identity.link", "address": ');
    refusal(await alice.waitForType("error"), "GW_ERR_BAD_FRAME");
    // The connection and the session go on.
    assert.ok(alice.isOpen);
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], []);
  });

  it("needs a logged-in session", async function () {
    const anonymous = await NativeClient.connect(daemon.url);
    clients.push(anonymous);
    await anonymous.ok({ type: "hello", version: 1 });
    refusal(await anonymous.request({ type: "identity.list" }), "GW_ERR_NOT_AUTHENTICATED");
    refusal(await anonymous.request({ type: "identity.link", address: "xmpp:juliet@example.org" }), "GW_ERR_NOT_AUTHENTICATED");
  });
});
