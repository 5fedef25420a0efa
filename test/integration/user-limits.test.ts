/**
 * native.limits through the real daemon with native clients: a user's contacts past native.limits.contacts and rooms
 * created past native.limits.rooms_created are refused with GW_ERR_LIMIT_REACHED (what is there stays, an admin
 * creates rooms without limit), subscription requests that ask someone past native.limits.contact_requests_per_hour
 * with GW_ERR_RATE_LIMITED (a request approved at once is not counted), and a reload of the file (SIGHUP) changes the
 * limits at once, a lowered one taking nothing away; the hello answer tells them, with rooms.max_members and rooms.invitations_per_hour, as they are
 * at that hello.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

describe("native.limits: what one user may keep and ask for", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];
  const admin = uniqueUser("admin");

  const config = (limits: { contacts: number; rooms: number; requests: number; members?: number; invitations?: number }): string =>
    [
      `admins: ["native:${admin}"]`,
      ...(limits.members === undefined || limits.invitations === undefined ? [] : ["rooms:", `  max_members: ${limits.members}`, `  invitations_per_hour: ${limits.invitations}`]),
      "native:",
      "  port: 0",
      "  limits:",
      `    contacts: ${limits.contacts}`,
      `    rooms_created: ${limits.rooms}`,
      `    contact_requests_per_hour: ${limits.requests}`,
    ].join("\n");

  before(async function () {
    this.timeout(30_000);
    daemon = Daemon.create(config({ contacts: 2, rooms: 2, requests: 2 }));
    await daemon.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const client of clients) await client.close();
    await daemon?.dispose();
  });

  async function session(name: string): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    clients.push(client);
    return client;
  }

  async function contactsOf(client: NativeClient): Promise<string[]> {
    const answer = await client.ok({ type: "contact.list" });
    return (answer["contacts"] as Frame[]).map((contact) => String(contact["address"])).sort();
  }

  function assertRefused(answer: Frame, code: string, message: RegExp): void {
    assert.equal(answer.type, "error", JSON.stringify(answer));
    assert.equal(answer["code"], code, JSON.stringify(answer));
    assert.match(String(answer["message"]), message);
  }

  it("refuses the contact past native.limits.contacts with GW_ERR_LIMIT_REACHED, keeps the others, renames one there, and takes one after a removal", async function () {
    this.timeout(20_000);
    const alice = await session(uniqueUser("alice"));
    await alice.ok({ type: "contact.add", address: "native:one" });
    await alice.ok({ type: "contact.add", address: "native:two" });
    assertRefused(await alice.request({ type: "contact.add", address: "native:three" }), "GW_ERR_LIMIT_REACHED", /you have 2 contacts: this gateway allows 2 \(native\.limits\.contacts\)/);
    assert.deepEqual(await contactsOf(alice), ["native:one", "native:two"]);
    // An entry there is renamed, not added.
    const renamed = await alice.ok({ type: "contact.add", address: "native:two", name: "Two" });
    assert.equal((renamed["contact"] as Frame)["name"], "Two");
    // A subscription to someone not in the full list is refused too, and adds nothing.
    const known = uniqueUser("known");
    await session(known);
    assertRefused(await alice.request({ type: "presence.subscribe", address: `native:${known}` }), "GW_ERR_LIMIT_REACHED", /native\.limits\.contacts/);
    assert.deepEqual(await contactsOf(alice), ["native:one", "native:two"]);
    await alice.ok({ type: "contact.remove", address: "native:one" });
    await alice.ok({ type: "contact.add", address: "native:three" });
    assert.deepEqual(await contactsOf(alice), ["native:three", "native:two"]);
  });

  it("refuses the room past native.limits.rooms_created with GW_ERR_LIMIT_REACHED, and not an admin's", async function () {
    this.timeout(20_000);
    const bob = await session(uniqueUser("bob"));
    const rooms = [uniqueUser("room"), uniqueUser("room"), uniqueUser("room")];
    await bob.ok({ type: "room.create", name: rooms[0] });
    await bob.ok({ type: "room.create", name: rooms[1] });
    assertRefused(await bob.request({ type: "room.create", name: rooms[2] }), "GW_ERR_LIMIT_REACHED", /you have 2 rooms created: this gateway allows 2 \(native\.limits\.rooms_created\)/);
    assert.equal((await bob.request({ type: "room.join", room: rooms[2] }))["code"], "GW_ERR_NOT_FOUND", "the refused room was not made");
    const op = await session(admin);
    for (let index = 0; index < 3; index++) await op.ok({ type: "room.create", name: uniqueUser("oproom") });
  });

  it("refuses the subscription request past native.limits.contact_requests_per_hour with GW_ERR_RATE_LIMITED, counting only requests that ask someone", async function () {
    this.timeout(20_000);
    const carolName = uniqueUser("carol");
    const carol = await session(carolName);
    const [dave, erin, fred] = [uniqueUser("dave"), uniqueUser("erin"), uniqueUser("fred")];
    const daveClient = await session(dave);
    await session(erin);
    const fredClient = await session(fred);
    await carol.ok({ type: "presence.subscribe", address: `native:${dave}` }); // the first request
    await daveClient.waitForType("subscription", (frame) => frame["action"] === "request");
    await daveClient.ok({ type: "presence.approve", address: `native:${carolName}` });
    await carol.waitForType("subscription", (frame) => frame["action"] === "approve");
    // Asking again someone who lets her see their presence asks nobody (approved at once): not counted.
    await carol.ok({ type: "presence.subscribe", address: `native:${dave}` });
    await carol.waitForType("subscription", (frame) => frame["action"] === "approve");
    await carol.ok({ type: "presence.subscribe", address: `native:${erin}` }); // the second
    assertRefused(await carol.request({ type: "presence.subscribe", address: `native:${fred}` }), "GW_ERR_RATE_LIMITED", /you made 2 subscription requests within an hour.*try again in \d+ s/);
    assert.ok(!(await contactsOf(carol)).includes(`native:${fred}`), "a refused request adds no entry");
    // Fred was not asked: the only subscription push he gets is the one for a request made after a reload.
    daemon.writeConfig(config({ contacts: 2, rooms: 2, requests: 3 }));
    daemon.signal("SIGHUP");
    await daemon.waitForLog(/"contact_requests_per_hour":3\}[^\n]*"msg":"configuration reloaded"/);
    // Carol's list is full (dave, erin): the reload raised only the requests; contacts are still two.
    await carol.ok({ type: "contact.remove", address: `native:${dave}` });
    await carol.ok({ type: "presence.subscribe", address: `native:${fred}` });
    const asked = await fredClient.waitForType("subscription");
    assert.equal(asked["action"], "request");
    assert.equal(fredClient.pending("subscription").length, 0, "fred was asked once: the refused request never reached him");
  });

  it("applies limits changed by a reload (SIGHUP) at once, a lowered one removing nothing", async function () {
    this.timeout(20_000);
    const gina = await session(uniqueUser("gina"));
    await gina.ok({ type: "contact.add", address: "native:a" });
    await gina.ok({ type: "contact.add", address: "native:b" });
    daemon.writeConfig(config({ contacts: 3, rooms: 2, requests: 3 }));
    daemon.signal("SIGHUP");
    await daemon.waitForLog(/"userLimits":\{"contacts":3,[^\n]*"msg":"configuration reloaded"/);
    await gina.ok({ type: "contact.add", address: "native:c" });
    daemon.writeConfig(config({ contacts: 1, rooms: 2, requests: 3 }));
    daemon.signal("SIGHUP");
    await daemon.waitForLog(/"userLimits":\{"contacts":1,[^\n]*"msg":"configuration reloaded"/);
    assert.deepEqual(await contactsOf(gina), ["native:a", "native:b", "native:c"]);
    assertRefused(await gina.request({ type: "contact.add", address: "native:d" }), "GW_ERR_LIMIT_REACHED", /you have 3 contacts: this gateway allows 1/);
    assert.doesNotMatch(daemon.log, /"keys":\[[^\]]*native\.limits/, "native.limits is not named as waiting for a restart");
  });

  it("tells the per-user limits and the room member cap in the hello answer, as a reload (SIGHUP) left them", async function () {
    this.timeout(20_000);
    const limitsAtHello = async (client: NativeClient): Promise<unknown> => (await client.ok({ type: "hello", version: 1 }))["limits"];
    const reloadWith = async (limits: { contacts: number; rooms: number; requests: number; members: number; invitations: number }): Promise<void> => {
      daemon.writeConfig(config(limits));
      daemon.signal("SIGHUP");
      await daemon.waitForLog(new RegExp(`"maxRoomMembers":${limits.members},"invitationsPerHour":${limits.invitations},"userLimits":\\{"contacts":${limits.contacts},[^\\n]*"msg":"configuration reloaded"`));
    };
    const fixed = { max_frame_bytes: 327680, frames_per_second: 100, burst: 200 };
    await reloadWith({ contacts: 11, rooms: 12, requests: 13, members: 14, invitations: 15 });
    const client = await NativeClient.connect(daemon.url);
    clients.push(client);
    assert.deepEqual(await limitsAtHello(client), { ...fixed, contacts: 11, rooms_created: 12, contact_requests_per_hour: 13, invitations_per_hour: 15, max_room_members: 14 });
    await reloadWith({ contacts: 21, rooms: 22, requests: 23, members: 24, invitations: 25 });
    const changed = { ...fixed, contacts: 21, rooms_created: 22, contact_requests_per_hour: 23, invitations_per_hour: 25, max_room_members: 24 };
    assert.deepEqual(await limitsAtHello(client), changed, "a hello again on the same connection");
    const another = await NativeClient.connect(daemon.url);
    clients.push(another);
    assert.deepEqual(await limitsAtHello(another), changed);
  });
});
