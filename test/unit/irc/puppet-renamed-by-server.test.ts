/**
 * A puppet the server renames without being asked (services' Guest nick, an oper's SANICK, a collision) quits
 * (puppet-pool.ts): its nick stays the gateway's until the connection is gone, and the next connect is a new
 * puppet. The real servers' side is test/integration/irc-puppet-renamed.test.ts.
 */
import assert from "node:assert/strict";
import { createLogger } from "../../../src/core/logger.js";
import { DEFAULT_ACCOUNT, makeAddress, type Address } from "../../../src/core/model/address.js";
import type { IrcConnection } from "../../../src/adapters/irc/irc-connection.js";
import { PuppetPool } from "../../../src/adapters/irc/puppet-pool.js";
import { FakeIrcConnection, flush } from "./fake-irc-connection.js";

const alice = makeAddress("native", DEFAULT_ACCOUNT, "alice");

describe("IRC puppets renamed by the server unasked", () => {
  let opened: FakeIrcConnection[];
  let pool: PuppetPool;

  beforeEach(() => {
    opened = [];
    pool = new PuppetPool({
      maxConnections: 10,
      connectIntervalMs: 0,
      idleTimeoutMs: 0,
      connect: async (person: Address): Promise<IrcConnection> => {
        const connection = new FakeIrcConnection(`${person.id}[sb]`);
        opened.push(connection);
        return connection.asConnection;
      },
      attach: () => undefined,
      log: createLogger("silent"),
    });
  });

  afterEach(() => pool.closeAll("test over"));

  /** The server renames the connection: its own nick follows first, then the event (as IrcConnection does). */
  function renamedBy(connection: FakeIrcConnection, to: string): void {
    const from = connection.nick;
    connection.nick = to;
    connection.emit("nick", { from, to });
  }

  it("quits the puppet, counts its new nick as the gateway's until it is gone, and connects a new one on demand", async () => {
    const first = await pool.puppetFor(alice);
    const connection = opened[0];
    assert.ok(connection);
    renamedBy(connection, "Guest4711");
    assert.deepEqual(connection.quits, ["renamed by the server"]);
    assert.equal(pool.of(alice), undefined, "no longer the person's puppet: nothing more is said through it");
    assert.equal(pool.isPuppetNick("Guest4711"), true, "its lines and QUIT under the new nick are still the gateway's own");
    await flush();
    assert.equal(pool.isPuppetNick("Guest4711"), false, "gone: the nick is anybody's again");
    const again = await pool.puppetFor(alice);
    assert.notEqual(again, first);
    assert.equal(opened.length, 2);
  });

  it("keeps the puppet for someone else's NICK, a change of its own nick's case, and the nick change its person chose", async () => {
    const puppet = await pool.puppetFor(alice);
    const connection = opened[0];
    assert.ok(connection);
    connection.emit("nick", { from: "bob", to: "robert" });
    renamedBy(connection, "ALICE[sb]");
    const renaming = pool.rename(alice, "ali[sb]", async () => undefined);
    await flush();
    renamedBy(connection, "ali[sb]");
    await renaming;
    assert.deepEqual(connection.quits, []);
    assert.equal(pool.of(alice), puppet);
    assert.deepEqual(connection.lines, ["NICK ali[sb]"]);
  });
});
