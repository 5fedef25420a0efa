import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

function bodyOf(frame: Frame): string {
  return (frame["message"] as Record<string, unknown>)["body"] as string;
}

describe("the daemon with the message log off (store.message_log: false)", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];
  const session = async (name: string, register = true): Promise<NativeClient> => {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
    clients.push(client);
    return client;
  };

  beforeEach(async function () {
    daemon = Daemon.create("outbox:\n  expire_after_seconds: 2\n  retry_interval_seconds: 1\n", "  message_log: false");
    await daemon.start();
  });
  afterEach(async function () {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await daemon.dispose();
  });

  it("keeps a message for an offline user through a kill -9 and delivers it after the restart, with history empty", async function () {
    const aName = uniqueUser("ola");
    const bName = uniqueUser("pia");
    const ola = await session(aName);
    const pia = await session(bName);
    await pia.close();
    await ola.ok({ type: "message.send", to: `native:${bName}`, body: "kept through the crash 1" });
    await ola.ok({ type: "message.send", to: `native:${bName}`, body: "kept through the crash 2" });
    await daemon.stop("SIGKILL");
    await daemon.start();

    const back = await session(bName, false);
    const received = [await back.waitForType("message"), await back.waitForType("message")];
    assert.deepEqual(received.map(bodyOf), ["kept through the crash 1", "kept through the crash 2"]);
    const history = await back.ok({ type: "history", with: `native:${aName}` });
    assert.deepEqual(history["messages"], [], "nothing is logged");
  });

  it("answers an empty history for a room whose messages were delivered live", async function () {
    const owner = await session(uniqueUser("quy"));
    const room = uniqueUser("logless");
    await owner.ok({ type: "room.create", name: room, subject: "" });
    await owner.ok({ type: "room.send", room, body: "said once, not kept" });
    const history = await owner.ok({ type: "history", room });
    assert.deepEqual(history["messages"], []);
  });

  it("still lets a sender correct a delivered message, and no one else", async function () {
    const aName = uniqueUser("rei");
    const bName = uniqueUser("sol");
    const rei = await session(aName);
    const sol = await session(bName);
    const original = await rei.ok({ type: "message.send", to: `native:${bName}`, body: "teh typo" });
    await sol.waitForType("message");
    await rei.ok({ type: "message.send", to: `native:${bName}`, body: "the typo", replaces: original["message_id"] as string });
    const corrected = (await sol.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([corrected["body"], corrected["replaces"]], ["the typo", original["message_id"]]);
    const forged = await sol.request({ type: "message.send", to: `native:${aName}`, body: "rei said otherwise", replaces: original["message_id"] as string });
    assert.equal(forged["code"], "GW_ERR_FORBIDDEN", "sol sees rei's message, and may not correct it");
  });

  it("reports an expired message to its sender who was offline when it expired", async function () {
    const senderName = uniqueUser("tam");
    const awayName = uniqueUser("uma");
    const sender = await session(senderName);
    const away = await session(awayName);
    await away.close();
    const ack = await sender.ok({ type: "message.send", to: `native:${awayName}`, body: "never read" });
    await sender.close();
    await daemon.waitForLog(/"msg":"message expired"/);

    const back = await session(senderName, false);
    const failed = await back.waitForType("message.failed");
    assert.deepEqual([failed["message_id"], failed["code"]], [ack["message_id"], "GW_ERR_EXPIRED"]);
  });
});
