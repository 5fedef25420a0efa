/**
 * Whom an IRC failure report reaches (failure-notices.ts): the line senders and the account watch real, the
 * gateway's connection fake (the test answers its USERHOST and WHOIS). A line tagged with its sender's services
 * account is reported to whoever holds her nick now only when they are logged in to that account; a line without
 * one, to the same user@host.
 */
import assert from "node:assert/strict";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { blockRefusal } from "../../../src/core/blocklist.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { AccountWatch } from "../../../src/adapters/irc/account-watch.js";
import { FailureNotices } from "../../../src/adapters/irc/failure-notices.js";
import { ircAddress } from "../../../src/adapters/irc/irc-addresses.js";
import type { IrcInbound } from "../../../src/adapters/irc/irc-inbound.js";
import { LineSenders } from "../../../src/adapters/irc/line-senders.js";
import type { PuppetPool } from "../../../src/adapters/irc/puppet-pool.js";
import { FakeIrcConnection, flush } from "./fake-irc-connection.js";

const ANN = { nick: "ann", user: "~ann", host: "127.0.0.1", server: false };
const DST = ircAddress("dst", "#dst");

describe("IRC failure reports: who is the sender now", function () {
  let main: FakeIrcConnection;
  let senders: LineSenders;
  let accounts: AccountWatch;
  let notices: FailureNotices;

  beforeEach(function () {
    main = new FakeIrcConnection("srcgate");
    senders = new LineSenders();
    accounts = new AccountWatch(() => undefined);
    accounts.attach(main.asConnection);
    const context = { account: "src", log: createLogger("silent") } as unknown as AdapterContext;
    const inbound = { senders } as unknown as IrcInbound;
    const puppets = { of: () => undefined } as unknown as PuppetPool;
    notices = new FailureNotices({ context, inbound, accounts, puppets, requireMain: () => main.asConnection });
    notices.attach(main.asConnection);
  });

  /** Line `id` said by `source` (tagged with `account` or not), accepted by the gateway. */
  function said(id: string, source: typeof ANN, account?: string): Message {
    const sender = senders.said(source, account);
    assert.ok(sender);
    senders.accepted(id, sender);
    return { id, scope: "room" } as unknown as Message;
  }

  /**
   * Reports line `message`'s failure; the server says `holder` (user@host) holds the nick asked about and, when it
   * is asked (WHOIS), that they are logged in to `account` (undefined: none). Resolves with the NOTICEs sent.
   */
  async function report(message: Message, holder: { nick: string; user: string; host: string }, account?: string): Promise<string[]> {
    const done = notices.reportFailure(message, DST, new GatewayError("GW_ERR_FORBIDDEN", "moderated"));
    await flush();
    assert.deepEqual(main.lines.filter((line) => line.startsWith("USERHOST")).at(-1), `USERHOST ${holder.nick}`, "who holds the sender's nick now is asked");
    main.emit("userhost", { entries: [holder] });
    await flush();
    if (main.lines.at(-1) === `WHOIS ${holder.nick}`) {
      if (account !== undefined) accounts.whoisAccount(holder.nick, account);
      accounts.whoisEnd(holder.nick);
    }
    await done;
    return main.lines.filter((line) => line.startsWith("NOTICE"));
  }

  it("does not tell the same user@host logged in to another account than the line carried", async function () {
    const line = said("m1", ANN, "annacct");
    assert.deepEqual(await report(line, { nick: "ann", user: "~ann", host: "127.0.0.1" }, "beaacct"), []);
    assert.ok(main.lines.includes("WHOIS ann"), "the account was asked, though the user@host is the sender's");
  });

  it("does not tell the same user@host logged in to no account, when the line carried one", async function () {
    const line = said("m1", ANN, "annacct");
    assert.deepEqual(await report(line, { nick: "ann", user: "~ann", host: "127.0.0.1" }), []);
  });

  it("tells whoever holds the nick logged in to the account the line carried, from another user@host", async function () {
    const line = said("m1", ANN, "annacct");
    assert.deepEqual(await report(line, { nick: "ann", user: "~phone", host: "10.0.0.2" }, "annacct"), [
      "NOTICE ann Your message was not delivered to irc://dst/%23dst: moderated (GW_ERR_FORBIDDEN)",
    ]);
  });

  it("tells a tagged line's sender under the nick she changed to, though she said another line without her account first", async function () {
    const line = said("m1", ANN, "annacct");
    said("m2", ANN); // logged out meanwhile
    senders.renamed("ann", "ann2");
    assert.deepEqual(await report(line, { nick: "ann2", user: "~ann", host: "127.0.0.1" }, "annacct"), [
      "NOTICE ann2 Your message was not delivered to irc://dst/%23dst: moderated (GW_ERR_FORBIDDEN)",
    ]);
  });

  it("decides by user@host alone for a line without an account, asking no WHOIS", async function () {
    const line = said("m1", ANN);
    assert.deepEqual(await report(line, { nick: "ann", user: "~bea", host: "127.0.0.1" }), []);
    assert.deepEqual(await report(line, { nick: "ann", user: "~ann", host: "127.0.0.1" }), [
      "NOTICE ann Your message was not delivered to irc://dst/%23dst: moderated (GW_ERR_FORBIDDEN)",
    ]);
    assert.equal(main.lines.filter((sent) => sent.startsWith("WHOIS")).length, 0);
  });

  it("tells nothing, nor asks who the sender is, of a query refused because its recipient blocked the sender since", async function () {
    const line = said("m1", ANN);
    await notices.reportFailure(line, ircAddress("dst", "alice"), blockRefusal(parseAddress("native:alice")));
    await flush();
    assert.deepEqual(main.lines, [], "no USERHOST, no NOTICE");
  });
});
