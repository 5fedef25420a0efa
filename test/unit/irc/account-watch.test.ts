import assert from "node:assert/strict";
import { AccountWatch, accountToBind } from "../../../src/adapters/irc/account-watch.js";
import { GatewayError } from "../../../src/core/errors.js";

describe("the services accounts of watched IRC nicks", () => {
  let sent: string[];
  let reports: string[];
  let watch: AccountWatch;
  const connection = { send: (command: string, params: readonly string[]) => void sent.push([command, ...params].join(" ")) };

  beforeEach(() => {
    sent = [];
    reports = [];
    watch = new AccountWatch((nick, account) => reports.push(`${nick}=${account ?? "-"}`), undefined, 50);
  });

  it("asks WHOIS about a nick when it is first watched and at each connect, and reports what the WHOIS says", () => {
    watch.watch("Alice");
    assert.deepEqual(sent, [], "no connection yet");
    watch.attach(connection);
    assert.deepEqual(sent, ["WHOIS Alice"]);
    watch.whoisAccount("alice", "AliceAcct");
    watch.whoisEnd("alice");
    watch.watch("bob");
    watch.whoisEnd("BOB");
    assert.deepEqual(sent, ["WHOIS Alice", "WHOIS bob"]);
    assert.deepEqual(reports, ["Alice=AliceAcct", "bob=-"], "a WHOIS without 330 is: not logged in, and said once known");
  });

  it("asks and reports nothing more about a nick once it is unwatched", () => {
    watch.attach(connection);
    watch.watch("Alice");
    watch.whoisAccount("alice", "AliceAcct");
    watch.whoisEnd("alice");
    watch.unwatch("ALICE");
    sent.length = 0;
    watch.poll();
    watch.gone("alice");
    watch.online(["alice"]);
    watch.loggedIn("alice", undefined);
    watch.detach();
    watch.attach(connection);
    assert.deepEqual(sent, [], "no WHOIS at a poll, a return or a reconnect");
    assert.deepEqual(reports, ["Alice=AliceAcct"]);
    assert.equal(watch.isWatched("alice"), false);
  });

  it("follows ACCOUNT and extended joins, reporting changes only", () => {
    watch.attach(connection);
    watch.watch("alice");
    watch.whoisEnd("alice");
    watch.loggedIn("alice", "AliceAcct");
    watch.loggedIn("alice", "AliceAcct");
    watch.loggedIn("stranger", "X");
    watch.loggedIn("alice", undefined);
    assert.deepEqual(reports, ["alice=-", "alice=AliceAcct", "alice=-"]);
  });

  it("forgets the account of a nick that quits, asks again when it is back, and moves it with a NICK change", () => {
    watch.attach(connection);
    watch.watch("alice");
    watch.whoisAccount("alice", "AliceAcct");
    watch.whoisEnd("alice");
    watch.gone("alice");
    sent.length = 0;
    watch.online(["alice", "nobody"]);
    watch.online(["alice"]);
    assert.deepEqual(sent, ["WHOIS alice"], "asked once while it stays online (an ISON poll says it again)");
    watch.whoisAccount("alice", "AliceAcct");
    watch.whoisEnd("alice");
    watch.renamed("alice", "alice_away");
    watch.renamed("alice_away", "alice");
    assert.deepEqual(reports, ["alice=AliceAcct", "alice=-", "alice=AliceAcct", "alice=-"], "renamed from an unwatched nick: not known, asked");
    assert.deepEqual(sent, ["WHOIS alice", "WHOIS alice"]);
    watch.watch("carol");
    watch.whoisAccount("carol", "CarolAcct");
    watch.whoisEnd("carol");
    watch.renamed("carol", "alice");
    assert.deepEqual(reports.slice(-3), ["carol=CarolAcct", "carol=-", "alice=CarolAcct"], "the account goes with the user");
  });

  it("polls only the nicks logged in now, and reports them not logged in when the connection is lost", () => {
    watch.attach(connection);
    watch.watch("alice");
    watch.watch("bob");
    watch.whoisAccount("alice", "AliceAcct");
    watch.whoisEnd("alice");
    watch.whoisEnd("bob");
    sent.length = 0;
    watch.poll();
    assert.deepEqual(sent, ["WHOIS alice"]);
    watch.detach();
    assert.deepEqual(reports, ["alice=AliceAcct", "bob=-", "alice=-"]);
    watch.attach(connection);
    watch.whoisEnd("bob");
    assert.deepEqual(reports.at(-1), "bob=-", "known again on the new connection");
  });

  it("looks up the account of any nick by WHOIS, and fails a lookup without a connection, an answer or after a loss", async () => {
    await assert.rejects(watch.lookup("alice"), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_UNAVAILABLE");
    watch.attach(connection);
    const found = watch.lookup("Dave");
    watch.whoisAccount("dave", "DaveAcct");
    watch.whoisEnd("dave");
    assert.equal(await found, "DaveAcct");
    const none = watch.lookup("eve");
    watch.whoisEnd("eve");
    assert.equal(await none, undefined);
    await assert.rejects(watch.lookup("frank"), /no answer to WHOIS frank within 50 ms/);
    const lost = watch.lookup("gina");
    watch.detach();
    await assert.rejects(lost, (error: unknown) => error instanceof GatewayError && error.retryable);
    assert.deepEqual(reports, [], "nicks that are not watched are not reported");
  });
});

describe("the account a link of an IRC nick is bound to, by link_accounts", () => {
  const lookup = (answer: string | undefined) => async (): Promise<string | undefined> => answer;

  it("binds the account the nick is logged in to, unless off", async () => {
    assert.equal(await accountToBind("when_logged_in", "alice", "libera", lookup("AliceAcct")), "AliceAcct");
    assert.equal(await accountToBind("required", "alice", "libera", lookup("AliceAcct")), "AliceAcct");
    assert.equal(await accountToBind("off", "alice", "libera", () => assert.fail("off asks nothing")), undefined);
  });

  it("links a nick logged in to nothing alone when_logged_in, and refuses it when required", async () => {
    assert.equal(await accountToBind("when_logged_in", "alice", "libera", lookup(undefined)), undefined);
    await assert.rejects(accountToBind("required", "alice", "libera", lookup(undefined)), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.deepEqual([error.code, error.condition], ["GW_ERR_FORBIDDEN", "not-logged-in"]);
      assert.match(error.message, /alice is not logged in to a services account, which libera requires/);
      return true;
    });
  });
});
