/**
 * Native clients that misbehave, on purpose or by a bad network, cost the gateway bounded memory and leave nothing
 * behind: a connection closed during its login leaves no session, one whose frames pile up unanswered is closed,
 * and one that does not read what it asked for is closed instead of having it kept in memory.
 */
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const PASSWORD = "correct horse battery";

/** A raw connection, for what the test client helper would not do (close mid-login, never read). */
async function rawSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

function answer(socket: WebSocket, id: string): Promise<Frame> {
  return new Promise((resolve) => {
    const listener = (data: Buffer): void => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame["id"] !== id) return;
      socket.off("message", listener);
      resolve(frame);
    };
    socket.on("message", listener);
  });
}

describe("misbehaving native clients", function () {
  this.timeout(30_000);
  let daemon: Daemon;
  const clients: NativeClient[] = [];

  before(async function () {
    // A rate limit high enough to let frames pile up behind a slow one.
    daemon = Daemon.create("native:\n  port: 0\n  rate_limit:\n    frames_per_second: 100000\n    burst: 100000\n");
    await daemon.start();
  });
  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await daemon.dispose();
  });

  async function session(name: string, register = true): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
    clients.push(client);
    return client;
  }

  it("leaves no session behind a connection closed during its login: the user's contacts see them offline when they leave", async function () {
    const [aliceName, bobName] = [uniqueUser("alice"), uniqueUser("bob")];
    const alice = await session(aliceName);
    const bob = await session(bobName);
    const bobAddress = `native:${bobName}`;
    await alice.ok({ type: "presence.subscribe", address: bobAddress });
    await bob.ok({ type: "presence.approve", address: `native:${aliceName}` });
    await alice.waitForType("presence", (frame) => frame["from"] === bobAddress && frame["show"] === "online");
    await bob.close();
    await alice.waitForType("presence", (frame) => frame["from"] === bobAddress && frame["show"] === "offline");

    // A flaky connection: gone while its password is checked (a slow hash: tens of milliseconds).
    const ghost = await rawSocket(daemon.url);
    const hello = answer(ghost, "h");
    ghost.send(JSON.stringify({ type: "hello", version: 1, id: "h" }));
    ghost.send(JSON.stringify({ type: "login", user: bobName, password: PASSWORD, id: "l" }));
    await hello;
    ghost.terminate();

    const again = await session(bobName, false);
    await alice.waitForType("presence", (frame) => frame["from"] === bobAddress && frame["show"] === "online");
    await again.close();
    await alice.waitForType("presence", (frame) => frame["from"] === bobAddress && frame["show"] === "offline");
  });

  it("handles what a client sent before it closed the connection itself", async function () {
    const [senderName, readerName] = [uniqueUser("quick"), uniqueUser("patient")];
    await session(senderName).then((client) => client.close());
    const reader = await session(readerName);
    const quick = await rawSocket(daemon.url);
    const closed = new Promise<void>((resolve) => quick.once("close", () => resolve()));
    quick.send(JSON.stringify({ type: "hello", version: 1 }));
    quick.send(JSON.stringify({ type: "login", user: senderName, password: PASSWORD }));
    quick.send(JSON.stringify({ type: "message.send", to: `native:${readerName}`, body: "sent, then gone" }));
    quick.close(1000);
    await closed;
    assert.equal(((await reader.waitForType("message"))["message"] as Frame)["body"], "sent, then gone");
  });

  it("closes a connection whose frames wait unanswered beyond the limit, and serves everyone else", async function () {
    const flooder = await rawSocket(daemon.url);
    const closed = new Promise<number>((resolve) => flooder.once("close", resolve));
    flooder.send(JSON.stringify({ type: "hello", version: 1 }));
    // A slow frame first (a password hash), then more frames than the gateway holds for one connection.
    flooder.send(JSON.stringify({ type: "register", user: uniqueUser("flood"), password: PASSWORD }));
    for (let i = 0; i < 1100; i++) flooder.send(JSON.stringify({ type: "ping", id: `p${i}` }));
    assert.equal(await closed, 1008);
    await daemon.waitForLog(/too many frames waiting for their answers: connection closed/);

    const [carol, dave] = [await session(uniqueUser("carol")), uniqueUser("dave")];
    const daveClient = await session(dave);
    await carol.ok({ type: "message.send", to: `native:${dave}`, body: "still served" });
    assert.equal(((await daveClient.waitForType("message"))["message"] as Frame)["body"], "still served");
  });

  it("closes a connection that does not read what it asked for, instead of keeping it in memory", async function () {
    const writerName = uniqueUser("writer");
    const writer = await session(writerName);
    const room = uniqueUser("big");
    await writer.ok({ type: "room.create", name: room });
    const line = "x".repeat(60_000);
    for (let i = 0; i < 40; i++) await writer.ok({ type: "room.send", room, body: `${i} ${line}` });

    const readerName = uniqueUser("reader");
    await session(readerName).then((client) => client.ok({ type: "room.join", room }));
    const reader = await rawSocket(daemon.url);
    const closed = new Promise<void>((resolve) => reader.once("close", () => resolve()));
    const loggedIn = answer(reader, "l");
    reader.send(JSON.stringify({ type: "hello", version: 1 }));
    reader.send(JSON.stringify({ type: "login", user: readerName, password: PASSWORD, id: "l" }));
    assert.equal((await loggedIn)["type"], "ok");
    // About 2.4 MB per answer, 144 MB asked for, none of it read.
    reader.pause();
    for (let i = 0; i < 60; i++) reader.send(JSON.stringify({ type: "history", room, limit: 40 }));
    await daemon.waitForLog(/"maxUnreadBytes":67108864[^\n]*client left too much unread: connection closed/, 20_000);
    reader.resume();
    await closed;

    await writer.ok({ type: "room.send", room, body: "the room goes on" });
    const history = (await writer.ok({ type: "history", room, limit: 1 }))["messages"] as Frame[];
    assert.equal(history[0]?.["body"], "the room goes on");
  });

  it("answers a history of more than 16 MiB in parts, each saying that more is left", async function () {
    const writer = await session(uniqueUser("novelist"));
    const room = uniqueUser("long");
    await writer.ok({ type: "room.create", name: room });
    const chapter = "y".repeat(65_000);
    for (let i = 0; i < 300; i++) await writer.ok({ type: "room.send", room, body: `${String(i).padStart(3, "0")} ${chapter}` });
    const latest = await writer.ok({ type: "history", room, limit: 300 });
    const part = latest["messages"] as Frame[];
    assert.equal(latest["more"], true);
    assert.ok(part.length > 200 && part.length < 300, `${part.length} messages`);
    assert.match(String(part.at(-1)?.["body"]), /^299 /, "the latest ones, oldest first");
    const earlier = await writer.ok({ type: "history", room, limit: 300, before: part[0]?.["id"] as string });
    assert.equal(earlier["more"], undefined);
    assert.equal((earlier["messages"] as Frame[]).length + part.length, 300, "paging back gives the rest");
  });
});

describe("a native client flooding a gateway with the default rate limit", function () {
  this.timeout(30_000);
  let daemon: Daemon;

  before(async function () {
    daemon = Daemon.create();
    await daemon.start();
  });
  after(async function () {
    await daemon.dispose();
  });

  it("answers the frames beyond the rate limit with GW_ERR_RATE_LIMITED, behind a slow login, and keeps the connection", async function () {
    const name = uniqueUser("eager");
    await NativeClient.session(daemon.url, name, PASSWORD, { register: true }).then((client) => client.close());
    const eager = await rawSocket(daemon.url);
    const answers: Frame[] = [];
    eager.on("message", (data: Buffer) => answers.push(JSON.parse(data.toString()) as Frame));
    const last = answer(eager, "last");
    eager.send(JSON.stringify({ type: "hello", version: 1 }));
    eager.send(JSON.stringify({ type: "login", user: name, password: PASSWORD }));
    for (let i = 0; i < 1300; i++) eager.send(JSON.stringify({ type: "ping", id: `p${i}` }));
    // Once the bucket has refilled (the default: 100 frames a second), a frame goes through again.
    await new Promise<void>((resolve) => {
      const again = setInterval(() => {
        if (answers.length < 1302) return;
        clearInterval(again);
        resolve();
      }, 50);
    });
    eager.send(JSON.stringify({ type: "ping", id: "last" }));
    assert.equal((await last)["type"], "pong");
    assert.ok(answers.filter((frame) => frame["code"] === "GW_ERR_RATE_LIMITED").length > 1000, "refused, not closed");
    assert.equal(eager.readyState, WebSocket.OPEN);
    eager.close();
  });
});
