import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD, useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

function bodies(frames: readonly Frame[]): string[] {
  return frames.map((frame) => (frame["message"] as Record<string, unknown>)["body"] as string);
}

describe("direct messages between native users", function () {
  const gateway = useGateway();
  const user = (name: string, register = true): Promise<NativeClient> => gateway.user(name, { register });

  it("acknowledges each message with a server id and delivers messages both ways, in order, with UTF-8 intact", async function () {
    const aName = uniqueUser("ann");
    const bName = uniqueUser("ben");
    const ann = await user(aName);
    const ben = await user(bName);
    const sent = Array.from({ length: 50 }, (_, i) => `message ${i} from ann: héllo wörld 👋 ${"ü".repeat(i)}`);
    const acks = await Promise.all(sent.map((body) => ann.ok({ type: "message.send", to: `native:${bName}`, body })));
    const ids = acks.map((ack) => ack["message_id"] as string);
    assert.deepEqual([...ids].sort(), ids, "server ids increase in sending order");
    assert.equal(new Set(ids).size, ids.length);

    const received = await ben.collect("message", sent.length);
    assert.deepEqual(bodies(received), sent);
    const first = received[0]?.["message"] as Record<string, unknown>;
    assert.equal(first["from"], `native:${aName}`);
    assert.equal(first["to"], `native:${bName}`);
    assert.equal(first["id"], ids[0]);
    assert.equal(first["scope"], "direct");

    await ben.ok({ type: "message.send", to: `native:${aName}`, body: "/me waves", kind: "action" });
    const reply = await ann.waitForType("message");
    assert.deepEqual([(reply["message"] as Record<string, unknown>)["body"], (reply["message"] as Record<string, unknown>)["kind"]], ["/me waves", "action"]);
  });

  it("takes the longest body (65,536 characters of four UTF-8 bytes each) on a default gateway, and refuses one more", async function () {
    const aName = uniqueUser("eve");
    const bName = uniqueUser("fay");
    const eve = await user(aName);
    const fay = await user(bName);
    const longest = "😀".repeat(65_536);
    await eve.ok({ type: "message.send", to: `native:${bName}`, body: longest });
    assert.equal(bodies([await fay.waitForType("message")])[0], longest);
    const tooLong = await eve.request({ type: "message.send", to: `native:${bName}`, body: `${longest}!` });
    assert.equal(tooLong["code"], "GW_ERR_BAD_FRAME", "one character over the body limit is a bad frame, not a frame too large");
  });

  it("keeps messages for an offline user and delivers them, in order, after the login answer", async function () {
    const aName = uniqueUser("cat");
    const bName = uniqueUser("dan");
    const cat = await user(aName);
    const dan = await user(bName);
    await dan.close();
    for (let i = 0; i < 20; i++) await cat.ok({ type: "message.send", to: `native:${bName}`, body: `while away ${i}` });

    const again = await NativeClient.connect(gateway.daemon().url);
    await again.ok({ type: "hello", version: 1 });
    await again.ok({ type: "login", user: bName, password: PASSWORD });
    const received = await again.collect("message", 20);
    const loginAnswer = again.transcript.findIndex((frame) => frame.type === "ok" && frame["user"] === bName);
    const firstMessage = again.transcript.findIndex((frame) => frame.type === "message");
    assert.ok(loginAnswer >= 0 && loginAnswer < firstMessage, "the login answer comes before the stored messages");
    assert.deepEqual(bodies(received), Array.from({ length: 20 }, (_, i) => `while away ${i}`));

    // Delivered once: logging in again brings nothing more.
    await again.close();
    const third = await user(bName, false);
    await third.ok({ type: "ping" });
    await third.ok({ type: "contact.list" });
    assert.equal(third.pending("message").length, 0);
  });

  it("delivers a message stored for an offline user after the daemon was restarted", async function () {
    const aName = uniqueUser("eli");
    const bName = uniqueUser("fay");
    const eli = await user(aName);
    const fay = await user(bName);
    await fay.close();
    await eli.ok({ type: "message.send", to: `native:${bName}`, body: "before the restart 1" });
    await eli.ok({ type: "message.send", to: `native:${bName}`, body: "before the restart 2" });

    const stopped = await gateway.daemon().stop("SIGTERM");
    assert.equal(stopped.code, 0);
    await gateway.daemon().start();

    const back = await user(bName, false);
    const received = await back.collect("message", 2);
    assert.deepEqual(bodies(received), ["before the restart 1", "before the restart 2"]);

    // The history survives too.
    const history = await back.ok({ type: "history", with: `native:${aName}` });
    assert.deepEqual(
      (history["messages"] as Record<string, unknown>[]).map((message) => message["body"]),
      ["before the restart 1", "before the restart 2"],
    );
  });

  it("loses no acknowledged message when the daemon is killed with SIGKILL", async function () {
    const aName = uniqueUser("kay");
    const bName = uniqueUser("lou");
    const kay = await user(aName);
    const lou = await user(bName);
    await lou.close();
    // Send a burst without waiting in between, so some answers are in flight when the process dies.
    const requests = Array.from({ length: 200 }, (_, i) => kay.request({ type: "message.send", to: `native:${bName}`, body: `burst ${i}` }, 2000));
    const firstAcks = await Promise.all(requests.slice(0, 50));
    assert.ok(firstAcks.every((ack) => ack.type === "ok"));
    await gateway.daemon().stop("SIGKILL");
    const answered = (await Promise.allSettled(requests)).flatMap((result) => (result.status === "fulfilled" && result.value.type === "ok" ? [result.value] : []));
    await gateway.daemon().start();

    const back = await user(bName, false);
    const acknowledgedIds = new Set(answered.map((ack) => ack["message_id"]));
    const received: Frame[] = [];
    // Every acknowledged message arrives; anything else that arrives was stored but not yet answered.
    while ([...acknowledgedIds].some((id) => !received.some((frame) => (frame["message"] as Record<string, unknown>)["id"] === id))) {
      received.push(await back.waitForType("message"));
    }
    const numbers = bodies(received).map((body) => Number(body.split(" ")[1]));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), "in order");
    assert.equal(new Set(numbers).size, numbers.length, "no duplicates");
  });

  it("answers a message to an unknown user with GW_ERR_UNKNOWN_RECIPIENT and stores nothing", async function () {
    const ann = await user(uniqueUser("gus"));
    const answer = await ann.request({ type: "message.send", to: "native:nobody-here", body: "hello?" });
    assert.equal(answer.type, "error");
    assert.equal(answer["code"], "GW_ERR_UNKNOWN_RECIPIENT");
    const noRoute = await ann.request({ type: "message.send", to: "irc://nowhere/bob", body: "hello?" });
    assert.equal(noRoute["code"], "GW_ERR_NO_ROUTE");
  });

  it("carries a correction of one's own message, refuses one of the other side's, and tells nobody else the message exists", async function () {
    const aName = uniqueUser("jon");
    const bName = uniqueUser("kim");
    const jon = await user(aName);
    const kim = await user(bName);
    const original = await jon.ok({ type: "message.send", to: `native:${bName}`, body: "teh typo" });
    await kim.waitForType("message");
    await jon.ok({ type: "message.send", to: `native:${bName}`, body: "the typo", replaces: original["message_id"] as string });
    const corrected = (await kim.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([corrected["body"], corrected["replaces"]], ["the typo", original["message_id"]]);
    const forged = await kim.request({ type: "message.send", to: `native:${aName}`, body: "jon said something else", replaces: original["message_id"] as string });
    assert.equal(forged["code"], "GW_ERR_FORBIDDEN", "kim sees jon's message, and may not correct it");
    // Someone outside the conversation is not told that the message exists, whoever they write to.
    const lee = await user(uniqueUser("lee"));
    for (const to of [`native:${bName}`, `native:${aName}`]) {
      const probe = await lee.request({ type: "message.send", to, body: "what did jon say?", replaces: original["message_id"] as string });
      assert.equal(probe["code"], "GW_ERR_NOT_FOUND", to);
    }
  });

  it("relays typing notifications to the recipient", async function () {
    const aName = uniqueUser("hal");
    const bName = uniqueUser("ida");
    const hal = await user(aName);
    const ida = await user(bName);
    await hal.ok({ type: "typing", to: `native:${bName}`, state: "composing" });
    const typing = await ida.waitForType("typing");
    assert.deepEqual(typing, { type: "typing", from: `native:${aName}`, state: "composing" });
    assert.equal((await hal.request({ type: "typing", to: `native:${aName}`, state: "composing" }))["code"], "GW_ERR_BAD_ADDRESS", "not to oneself");
  });
});

describe("messages that cannot be delivered", function () {
  it("reports an expired message to its sender, even when the sender was offline when it expired", async function () {
    const daemon = Daemon.create("outbox:\n  expire_after_seconds: 1\n  retry_interval_seconds: 1\n");
    await daemon.start();
    try {
      const senderName = uniqueUser("sender");
      const awayName = uniqueUser("away");
      const sender = await NativeClient.session(daemon.url, senderName, PASSWORD, { register: true });
      const away = await NativeClient.session(daemon.url, awayName, PASSWORD, { register: true });
      await away.close();
      const ack = await sender.ok({ type: "message.send", to: `native:${awayName}`, body: "you will never read this" });
      await sender.close();
      await daemon.waitForLog(/"msg":"message expired"/);

      const back = await NativeClient.session(daemon.url, senderName, PASSWORD);
      const failed = await back.waitForType("message.failed");
      assert.equal(failed["message_id"], ack["message_id"]);
      assert.equal(failed["code"], "GW_ERR_EXPIRED");
      assert.equal(failed["to"], `native:${awayName}`);

      const recipient = await NativeClient.session(daemon.url, awayName, PASSWORD);
      await recipient.ok({ type: "contact.list" });
      assert.equal(recipient.pending("message").length, 0, "an expired message is not delivered late");
      await Promise.all([back.close(), recipient.close()]);
    } finally {
      await daemon.dispose();
    }
  });
});
