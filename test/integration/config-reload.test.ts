/**
 * Reloading the configuration file (SIGHUP), against a real ngIRCd: the bridges of the file are compared with those
 * running (a channel taken out is left, one put in is joined and bridged), the admins, the log level and the
 * room member cap change at once, what only a restart applies is named in the log, and a file with errors
 * changes nothing.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";

describe("reloading the configuration file (SIGHUP), against ngIRCd", function () {
  let server: IrcServer;
  let daemon: Daemon;
  let watcher: IrcTestClient;
  const clients: NativeClient[] = [];
  const [firstAdmin, secondAdmin] = [uniqueUser("admin"), uniqueUser("admin")];

  const config = (options: { admin: string; channels: string[]; level: string; extra?: string }): string =>
    [
      `log:\n  level: ${options.level}`,
      `admins: ["native:${options.admin}"]`,
      "irc:",
      "  networks:",
      "    - name: reloadnet",
      "      host: 127.0.0.1",
      `      port: ${server.port}`,
      "      nick: sbreload",
      "      membership:",
      "        leave_hold_seconds: 0",
      "      channels:",
      ...options.channels.map((channel) => `        - channel: "#${channel}"\n          room: ${channel}`),
      options.extra ?? "",
    ].join("\n");

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    watcher = await IrcTestClient.connect(server, uniqueUser("watch"));
    await watcher.join("#one");
    await watcher.join("#two");
    daemon = Daemon.create(config({ admin: firstAdmin, channels: ["one"], level: "info" }));
    await daemon.start();
    await watcher.waitFor((line) => line.command === "JOIN" && line.nick === "sbreload" && line.params[0] === "#one", 15_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const client of clients) await client.close();
    await watcher?.quit();
    await daemon?.dispose();
    await server?.dispose();
  });

  async function session(name: string): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    clients.push(client);
    return client;
  }

  it("leaves a channel taken out of the file, joins and bridges one put in, and changes admins and the log level at once", async function () {
    this.timeout(30_000);
    const first = await session(firstAdmin);
    const second = await session(secondAdmin);
    assert.equal((await first.request({ type: "gateway.status" })).type, "ok", "the first admin is an admin");
    assert.equal((await second.request({ type: "gateway.status" }))["code"], "GW_ERR_FORBIDDEN");

    daemon.writeConfig(config({ admin: secondAdmin, channels: ["two"], level: "debug", extra: "outbox:\n  retry_interval_seconds: 7" }));
    daemon.signal("SIGHUP");
    const parted = watcher.waitFor((line) => line.command === "PART" && line.nick === "sbreload" && line.params[0] === "#one", 10_000);
    await watcher.waitFor((line) => line.command === "JOIN" && line.nick === "sbreload" && line.params[0] === "#two", 10_000);
    await parted;
    await daemon.waitForLog(/"added":\["irc:\/\/reloadnet\/%23two -> two"\],"removed":\["irc:\/\/reloadnet\/%23one -> one"\][^\n]*"msg":"configuration reloaded"/);
    await daemon.waitForLog(/"keys":\["outbox\.retry_interval_seconds"\],"msg":"changed in the configuration file, and applied at the next restart only"/);
    assert.equal(daemon.pid !== undefined && (await second.request({ type: "gateway.status" })).type, "ok", "the file's new admin is an admin");
    assert.equal((await first.request({ type: "gateway.status" }))["code"], "GW_ERR_FORBIDDEN", "the old one is not any more");

    // #two is bridged to the room two; the room one is a native room of its own now.
    await second.ok({ type: "room.join", room: "two" });
    watcher.privmsg("#two", "hello after the reload");
    const relayed = (await second.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([relayed["to"], relayed["body"]], ["native:%23two", "hello after the reload"]);
    // At debug level now: the message's way is logged.
    await daemon.waitForLog(new RegExp(`"id":"${String(relayed["id"])}"[^\\n]*"msg":"message accepted"`));
    await second.ok({ type: "room.send", room: "two", body: "and back" });
    const line = await watcher.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[0] === "#two" && candidate.params[1] === "and back", 10_000);
    assert.equal(line.nick, `${secondAdmin}[sb]`, "said by the sender's puppet");
  });

  it("changes nothing when the file has errors, and says where", async function () {
    this.timeout(30_000);
    // Everything the last reload changed is set back in this file, next to one error: none of it may take effect.
    const before = watcher.transcript.length;
    daemon.writeConfig(config({ admin: firstAdmin, channels: ["one"], level: "info", extra: "outbox:\n  retry_interval_seconds: soon" }));
    daemon.signal("SIGHUP");
    await daemon.waitForLog(/"problems":"[^"]*outbox\.retry_interval_seconds[^\n]*"msg":"configuration not reloaded: the gateway goes on as it was"/);
    const [first, second] = [await session(firstAdmin), await session(secondAdmin)];
    assert.equal((await second.request({ type: "gateway.status" })).type, "ok", "the admins are those of the last good file");
    assert.equal((await first.request({ type: "gateway.status" }))["code"], "GW_ERR_FORBIDDEN");
    await second.ok({ type: "room.join", room: "two" });
    watcher.privmsg("#two", "still bridged");
    const relayed = (await second.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "still bridged"))["message"] as Record<string, unknown>;
    assert.equal(relayed["to"], "native:%23two");
    await daemon.waitForLog(new RegExp(`"id":"${String(relayed["id"])}"[^\\n]*"msg":"message accepted"`)); // still at debug level
    assert.ok(!watcher.transcript.slice(before).some((line) => line.command === "JOIN" && line.nick === "sbreload"), "#one not joined again");
  });

  it("keeps a network taken out of the file, and its bridges, until the restart, and says so", async function () {
    this.timeout(30_000);
    daemon.writeConfig([`log:\n  level: debug`, `admins: ["native:${secondAdmin}"]`].join("\n"));
    daemon.signal("SIGHUP");
    await daemon.waitForLog(/"keys":\[[^\]]*"irc\.networks\.reloadnet"[^\n]*"msg":"changed in the configuration file, and applied at the next restart only"/);
    await daemon.waitForLog(/"added":\[\],"removed":\[\][^\n]*"msg":"configuration reloaded"/);
    const second = await session(secondAdmin);
    await second.ok({ type: "room.join", room: "two" });
    watcher.privmsg("#two", "bridged until the restart");
    await second.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "bridged until the restart");
  });

  it("applies a new rooms.max_members to the next joins: a full room takes people in once it is raised", async function () {
    this.timeout(30_000);
    const reloadWith = async (maxMembers: number): Promise<void> => {
      daemon.writeConfig([`log:\n  level: info`, `admins: ["native:${secondAdmin}"]`, `rooms:\n  max_members: ${maxMembers}`].join("\n"));
      daemon.signal("SIGHUP");
      await daemon.waitForLog(new RegExp(`"maxRoomMembers":${maxMembers}[^\\n]*"msg":"configuration reloaded"`));
    };
    await reloadWith(1);
    const [first, third] = [await session(uniqueUser("cap")), await session(uniqueUser("cap"))];
    await first.ok({ type: "room.create", name: "capped" }); // its owner, who takes the one place
    assert.equal((await third.request({ type: "room.join", room: "capped" }))["code"], "GW_ERR_ROOM_FULL");
    await reloadWith(2);
    await third.ok({ type: "room.join", room: "capped" });
    assert.doesNotMatch(daemon.log, /"keys":\[[^\]]*rooms\.max_members/, "not named as waiting for a restart");
  });
});
