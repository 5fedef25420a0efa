/**
 * What a MUC said while alice's linked account was out of it reaches her once she is back in, from the room's archive
 * (XEP-0313 on the room, Prosody's mod_muc_mam), against a real Prosody and the real daemon: after her account's
 * connection was cut and after a daemon restart, her session gets exactly the lines juliet said meanwhile, once, in
 * order, and none she saw live again. The account reaches Prosody through a gate. The tests run in order and build on
 * each other.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { TcpGate } from "../helpers/tcp-gate.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const ALICEX_PASSWORD = "alicex-Secret-4242";
const MUC_NS = "http://jabber.org/protocol/muc";

describe("group chats through a linked XMPP account: what the room said meanwhile, from its archive, against Prosody", function () {
  let prosody: ProsodyServer;
  let gate: TcpGate;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let alice: NativeClient;
  let talk: string;
  let room: string;

  const selfPresence = (presence: Element): boolean => (presence.getChild("x", `${MUC_NS}#user`)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");
  const bodyOf = (frame: Frame): unknown => (frame["message"] as Record<string, unknown>)["body"];

  /** The room messages alice's session gets up to and with `last`, in order. */
  async function linesUntil(last: string): Promise<unknown[]> {
    const bodies: unknown[] = [];
    for (;;) {
      const body = bodyOf(await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["to"] === room, 30_000));
      bodies.push(body);
      if (body === last) return bodies;
    }
  }

  async function say(...lines: string[]): Promise<void> {
    for (const line of lines) await juliet.sendMessage(talk, line, "groupchat");
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ users: [{ name: "alicex", password: ALICEX_PASSWORD }, { name: "juliet", password: PASSWORD }], mucArchive: true });
    talk = `talk@${prosody.mucDomain}`;
    room = `xmpp://u.alice/${talk}`;
    gate = await TcpGate.start("127.0.0.1", () => prosody.c2sPort);
    juliet = await XmppTestClient.connect(prosody, "juliet", PASSWORD);
    await juliet.sendPresence();
    await juliet.send(xml("presence", { to: `${talk}/Juliet` }, xml("x", { xmlns: MUC_NS })));
    await juliet.waitForPresence(`${talk}/Juliet`, selfPresence);
    await say("said before alice came");
    const accounts = ["xmpp:", "  user_accounts:", "    enabled: true", "    credential_key: ${KEY}", "    internal_hosts: [127.0.0.1]"];
    daemon = Daemon.create(accounts.join("\n"));
    await daemon.start({ KEY: randomBytes(32).toString("hex") });
    alice = await NativeClient.session(daemon.url, "alice", PASSWORD, { register: true });
    await alice.ok({ type: "xmpp.link", jid: "alicex@localhost", password: ALICEX_PASSWORD, service: `xmpp://127.0.0.1:${gate.port}` }, 15_000);
    await alice.ok({ type: "room.join", room }, 15_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-5000), prosody.log().slice(-3000));
  });

  after(async function () {
    await alice?.close();
    await juliet?.stop();
    await daemon?.dispose();
    await gate?.dispose();
    await prosody?.dispose();
  });

  it("gives her the lines said while her account's connection was down, once and in order, and nothing from before her join", async function () {
    await say("seen live");
    assert.deepEqual(await linesUntil("seen live"), ["seen live"]);
    gate.close();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    await daemon.waitForLog(/XMPP account connection lost/);
    await say("gap one", "gap two", "gap three");
    gate.reopen();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined, 30_000);
    await say("live again");
    assert.deepEqual(await linesUntil("live again"), ["gap one", "gap two", "gap three", "live again"]);
  });

  it("gives her the lines said while the daemon was stopped, once and in order", async function () {
    await alice.close();
    gate.close();
    await daemon.stop();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === "unavailable");
    await say("while down one", "while down two");
    await daemon.start();
    alice = await NativeClient.session(daemon.url, "alice", PASSWORD);
    gate.reopen();
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined, 30_000);
    await say("after the restart");
    assert.deepEqual(await linesUntil("after the restart"), ["while down one", "while down two", "after the restart"]);
  });
});
