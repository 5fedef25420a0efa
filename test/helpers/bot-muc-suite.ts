/**
 * One bridge bot's MUC bridged to the native room `lounge`, against a real Prosody whose MUCs give stanza-ids
 * (mod_muc_mam) and occupant ids: the set-up the bot's tests of replies, of lines from before a restart and of
 * occupants told apart share. `useBotMuc()` registers the mocha hooks (Prosody, the bot's account, the daemon, the
 * native member romeo in `lounge`) and hands the suite; occupants joined with `occupant()` are stopped at the end.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon, uniqueUser } from "./daemon.js";
import { PASSWORD } from "./gateway-fixture.js";
import { NativeClient } from "./native-client.js";
import { startProsody, type ProsodyServer } from "./servers.js";
import { XmppTestClient } from "./xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const BOT_PASSWORD = "bot secret 123";

export type Frame = Record<string, unknown>;
export const messageOf = (frame: Frame): Frame => (frame["message"] as Frame | undefined) ?? {};

export interface BotMucSuite {
  readonly prosody: ProsodyServer;
  readonly daemon: Daemon;
  /** The native member of `lounge` (a new session after each restart). */
  readonly romeo: NativeClient;
  readonly romeoName: string;
  /** The MUC's bare JID. */
  readonly muc: string;
  /** A new XMPP user in the MUC as `nick`, once the MUC showed her in. */
  occupant(name: string, nick: string): Promise<XmppTestClient>;
  /** The room's own stanza-id of a line the MUC sent (XEP-0359), which it gives besides the sender's id. */
  roomIdOf(stanza: Element): string;
  /** Restarts the daemon (on the same store) and romeo's session, back in `lounge` once the bot is online. */
  restart(): Promise<void>;
}

/**
 * `mucArchive` false: the MUC keeps no archive (no mod_muc_mam), so its lines have no XEP-0359 stanza ids.
 * `mucOccupantIds` false: it gives no XEP-0421 occupant ids either (servers.ts).
 */
export function useBotMuc(options: { readonly mucArchive?: boolean; readonly mucOccupantIds?: boolean } = {}): BotMucSuite {
  const occupants: XmppTestClient[] = [];
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let romeo: NativeClient;
  let romeoName: string;
  let muc: string;

  async function romeoInLounge(register: boolean): Promise<void> {
    romeo = await NativeClient.session(daemon.url, romeoName, PASSWORD, { register });
    await romeo.ok({ type: "room.join", room: "lounge" });
  }

  const suite: BotMucSuite = {
    get prosody() {
      return prosody;
    },
    get daemon() {
      return daemon;
    },
    get romeo() {
      return romeo;
    },
    get romeoName() {
      return romeoName;
    },
    get muc() {
      return muc;
    },
    async occupant(name, nick) {
      const account = uniqueUser(name);
      await prosody.register(account, PASSWORD);
      const client = await XmppTestClient.connect(prosody, account, PASSWORD);
      occupants.push(client);
      await client.sendPresence();
      await client.send(xml("presence", { to: `${muc}/${nick}` }, xml("x", { xmlns: MUC })));
      await client.waitForPresence(`${muc}/${nick}`);
      return client;
    },
    roomIdOf(stanza) {
      const id = stanza.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === muc)?.attrs["id"];
      assert.ok(typeof id === "string" && id !== stanza.attrs["id"], `the MUC gave the line its own id: ${stanza.toString()}`);
      return id;
    },
    async restart() {
      await romeo.close();
      await daemon.restart();
      await daemon.waitForLog(/XMPP bot online/);
      await romeoInLounge(false);
    },
  };

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ mucArchive: options.mucArchive ?? true, ...(options.mucOccupantIds === false ? { mucOccupantIds: false } : {}) });
    muc = `lounge@${prosody.mucDomain}`;
    await prosody.register("bridgebot", BOT_PASSWORD);
    daemon = Daemon.create(
      ["xmpp:", "  bots:", "    - account: bridge", `      jid: bridgebot@${prosody.domain}`, "      password: ${BOT_PASSWORD}", `      service: xmpp://127.0.0.1:${prosody.c2sPort}`, "      rooms:", `        - muc: ${muc}`, "          nick: switchboard", "          room: lounge"].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD });
    await daemon.waitForLog(/XMPP bot online/);
    romeoName = uniqueUser("romeo");
    await romeoInLounge(true);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await romeo?.close();
    for (const client of occupants) await client.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  return suite;
}
