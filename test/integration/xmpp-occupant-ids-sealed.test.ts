/**
 * The secret the XEP-0421 occupant ids are made with, at rest, against a real Prosody and the real daemon: kept in
 * clear while no credential key is set, sealed at the first start with one, and the ids the rooms give stay the same
 * through both restarts.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join as joinPath } from "node:path";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { OCCUPANT_ID_SECRET } from "../../src/adapters/xmpp/occupant-ids.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { componentYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const OCCUPANT_ID = "urn:xmpp:occupant-id:0";
const MUC_USER = "http://jabber.org/protocol/muc#user";

describe("the occupant-id secret sealed once a credential key is set, against Prosody", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  const hostName = uniqueUser("sealhost");
  const roomName = uniqueUser("sealroom");

  const config = (credentialKey: boolean): string =>
    ["xmpp:", ...componentYaml(prosody), ...(credentialKey ? ["  user_accounts:", "    credential_key: ${KEY}"] : [])].join("\n");

  /** The secret's row as the database holds it, read with the daemon stopped (obtain keeps nothing new: one is there). */
  async function storedRow(): Promise<Buffer> {
    const store = openSqliteStore(joinPath(daemon.dir, "switchboard.db"));
    try {
      return await store.gatewaySecrets.obtain(OCCUPANT_ID_SECRET, Buffer.from("never kept"), 0);
    } finally {
      await store.close();
    }
  }

  /** Juliet joins the room under `nick`; the occupant id her own presence carries. */
  async function julietsId(nick: string): Promise<string> {
    const occupant = `#${roomName}@${prosody.componentDomain}/${nick}`;
    await juliet.send(xml("presence", { to: occupant }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    const own = (stanza: Element): boolean =>
      stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");
    const self = await juliet.waitForPresence(occupant, own, 10_000);
    return String(self.getChild("occupant-id", OCCUPANT_ID)?.attrs["id"]);
  }

  /** Stops the daemon, once Juliet has seen herself leave the room with it. */
  async function stop(nick: string): Promise<void> {
    const left = juliet.waitForPresence(`#${roomName}@${prosody.componentDomain}/${nick}`, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
    await daemon.stop();
    await left;
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ users: [{ name: "juliet", password: PASSWORD }] });
    juliet = await XmppTestClient.connect(prosody, "juliet", PASSWORD);
    await juliet.sendPresence();
    daemon = Daemon.create(config(false));
    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
    const host = await NativeClient.session(daemon.url, hostName, PASSWORD, { register: true });
    await host.ok({ type: "room.create", name: roomName });
    await host.close();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000), prosody.log().slice(-3000));
  });

  after(async function () {
    await juliet?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  it("seals the secret kept in clear at the first start with a key, and gives the same ids before and after", async function () {
    this.timeout(60_000);
    const before = await julietsId("Juliet");
    assert.match(before, /^[A-Za-z0-9_-]{22}$/);
    await stop("Juliet");
    const clear = await storedRow();
    assert.equal(clear.length, 32, "without a credential key the secret is kept as it is");

    daemon.writeConfig(config(true));
    await daemon.start({ KEY: randomBytes(32).toString("hex") });
    await daemon.waitForLog(/XMPP component online/);
    assert.equal(await julietsId("Jules"), before);
    await stop("Jules");
    const sealed = await storedRow();
    assert.ok(!sealed.includes(clear) && !sealed.includes(Buffer.from(clear.toString("hex"))), "the row no longer holds the secret");

    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
    assert.equal(await julietsId("Juliet"), before, "the same key opens it again");
  });
});
