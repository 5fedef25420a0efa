import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const PASSWORD = "correct horse battery";

describe("bad input from a native client", function () {
  let daemon: Daemon;
  let bad: NativeClient;
  let badName: string;
  let bystander: NativeClient;
  let bystanderName: string;
  let friend: NativeClient;

  before(async function () {
    daemon = Daemon.create();
    await daemon.start();
    badName = uniqueUser("mallory");
    bystanderName = uniqueUser("olive");
    bad = await NativeClient.session(daemon.url, badName, PASSWORD, { register: true });
    bystander = await NativeClient.session(daemon.url, bystanderName, PASSWORD, { register: true });
    friend = await NativeClient.session(daemon.url, uniqueUser("pat"), PASSWORD, { register: true });
  });
  after(async function () {
    await Promise.all([bad, bystander, friend].map((client) => client.close()));
    await daemon.dispose();
  });

  /** The misbehaving connection still works, and so does everybody else's. */
  async function everythingStillWorks(): Promise<void> {
    assert.ok(bad.isOpen, "the connection that sent bad input stays open");
    await bad.ok({ type: "message.send", to: `native:${bystanderName}`, body: "still here" });
    const received = await bystander.waitForType("message");
    assert.equal((received["message"] as Record<string, unknown>)["body"], "still here");
    await friend.ok({ type: "message.send", to: `native:${bystanderName}`, body: "me too" });
    assert.equal(((await bystander.waitForType("message"))["message"] as Record<string, unknown>)["body"], "me too");
  }

  async function nextError(): Promise<Frame> {
    return bad.waitForType("error");
  }

  it("answers invalid JSON with GW_ERR_BAD_FRAME", async function () {
    bad.sendRaw('{"type": "message.send", "to": ');
    const error = await nextError();
    assert.equal(error["code"], "GW_ERR_BAD_FRAME");
    assert.match(String(error["message"]), /not valid JSON/);
    await everythingStillWorks();
  });

  it("answers wrong field types with GW_ERR_BAD_FRAME naming the field, echoing the request id", async function () {
    const answer = await bad.request({ type: "message.send", to: `native:${bystanderName}`, body: 42 });
    assert.equal(answer.type, "error");
    assert.equal(answer["code"], "GW_ERR_BAD_FRAME");
    assert.match(String(answer["message"]), /body: must be string/);
    await everythingStillWorks();
  });

  it("answers a 10 MB frame with GW_ERR_FRAME_TOO_LARGE and keeps the connection", async function () {
    bad.sendRaw(JSON.stringify({ type: "message.send", to: `native:${bystanderName}`, body: "x".repeat(10 * 1024 * 1024) }));
    const error = await bad.waitForType("error", () => true, 20000);
    assert.equal(error["code"], "GW_ERR_FRAME_TOO_LARGE");
    await everythingStillWorks();
  });

  it("answers an unknown frame type with GW_ERR_UNKNOWN_TYPE", async function () {
    const answer = await bad.request({ type: "teleport", to: "the moon" });
    assert.equal(answer["code"], "GW_ERR_UNKNOWN_TYPE");
    await everythingStillWorks();
  });

  it("answers an unknown recipient and a malformed address with their own codes", async function () {
    assert.equal((await bad.request({ type: "message.send", to: "native:ghost", body: "boo" }))["code"], "GW_ERR_UNKNOWN_RECIPIENT");
    assert.equal((await bad.request({ type: "message.send", to: "gopher:ghost", body: "boo" }))["code"], "GW_ERR_BAD_ADDRESS");
    assert.equal((await bad.request({ type: "message.send", to: "native:%zz", body: "boo" }))["code"], "GW_ERR_BAD_ADDRESS");
    await everythingStillWorks();
  });

  it("refuses a room address where a person is expected, instead of queueing a message nobody can receive", async function () {
    const room = uniqueUser("hall");
    await bystander.ok({ type: "room.create", name: room });
    for (const frame of [
      { type: "message.send", to: `native:%23${room}`, body: "to a room?" },
      { type: "typing", to: `native:%23${room}`, state: "composing" },
      { type: "presence.subscribe", address: `native:%23${room}` },
    ]) {
      assert.equal((await bad.request(frame))["code"], "GW_ERR_BAD_ADDRESS", frame.type);
    }
    await everythingStillWorks();
  });

  it("answers a refused frame after the answers to the frames before it", async function () {
    const first = bad.send({ type: "contact.list" });
    bad.sendRaw("not json at all");
    const last = bad.send({ type: "ping" });
    const answers = await Promise.all([bad.waitFor((frame) => frame["id"] === first), bad.waitForType("error"), bad.waitFor((frame) => frame["id"] === last)]);
    const order = answers.map((answer) => bad.transcript.indexOf(answer));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
  });

  it("answers invalid UTF-8 and binary frames with GW_ERR_BAD_FRAME", async function () {
    bad.sendRaw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    const notUtf8 = await nextError();
    assert.match(String(notUtf8["message"]), /UTF-8/);
    bad.sendRaw(Buffer.from("binary"), true);
    const binary = await nextError();
    assert.equal(binary["code"], "GW_ERR_BAD_FRAME");
    await everythingStillWorks();
  });

  it("drops frames above the rate limit with GW_ERR_RATE_LIMITED, and serves the client again afterwards", async function () {
    const limited = Daemon.create("native:\n  port: 0\n  rate_limit:\n    frames_per_second: 5\n    burst: 10\n");
    await limited.start();
    try {
      const client = await NativeClient.connect(limited.url);
      await client.ok({ type: "hello", version: 1 });
      for (let i = 0; i < 30; i++) client.send({ type: "ping", id: `flood${i}` });
      await client.waitForType("error", (frame) => frame["code"] === "GW_ERR_RATE_LIMITED");
      // Waiting for the bucket to refill is the behaviour under test: 1 s refills 5 tokens.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await client.request({ type: "ping" })).type, "pong");
      await client.close();
      // One line about the flood, not one per dropped frame; the rest are summed up when the client leaves.
      await limited.waitForLog(/"msg":"frames dropped or refused since the last line about them"/);
      assert.equal((limited.log.match(/"msg":"frame rate limit exceeded"/g) ?? []).length, 1);
      const summary = /"dropped":(\d+),"bad":0[^\n]*frames dropped or refused/.exec(limited.log);
      assert.ok(summary && Number(summary[1]) >= 1, limited.log.slice(-1000));
    } finally {
      await limited.dispose();
    }
  });

  it("logs a connection's first bad frame, and how many more it sent when it closes: one line a minute at most", async function () {
    assert.equal((daemon.log.match(/"msg":"bad frame"/g) ?? []).length, 1, "one line for the first bad frame of the connection");
    await bad.close();
    await daemon.waitForLog(/frames dropped or refused since the last line about them/);
    const summary = /"dropped":0,"bad":(\d+)[^\n]*frames dropped or refused/.exec(daemon.log);
    assert.ok(summary && Number(summary[1]) >= 5, `the rest are counted: ${summary?.[0] ?? daemon.log.slice(-800)}`);
  });
});
