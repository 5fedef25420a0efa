/**
 * identity.link, identity.unlink, identity.list and the identity.linked push, against a recording stand-in of
 * the core's IdentityService: the person is always the session's user, addresses are parsed and folded as in
 * the rest of the protocol, places that are not accounts are refused before the core sends anything, the
 * core's errors reach the client unchanged, and a change is pushed to every open session of the person.
 */
import assert from "node:assert/strict";
import type { WebSocket } from "ws";
import type { AdapterContext } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import type { IdentityService } from "../../../src/core/identities.js";
import { formatAddress, makeAddress, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { IdentityLinkRecord } from "../../../src/store/store.js";
import type { HandlerEnvironment, NativeServices } from "../../../src/adapters/native/handler-environment.js";
import { HANDLERS } from "../../../src/adapters/native/handlers/index.js";
import { identityLink, identityList, identityUnlink, linkableAddress } from "../../../src/adapters/native/handlers/identity-handlers.js";
import { NativeAdapter } from "../../../src/adapters/native/native-adapter.js";
import type { NativeConfig } from "../../../src/adapters/native/native-config.js";
import { userAddress } from "../../../src/adapters/native/native-addresses.js";
import type { SessionDirectory } from "../../../src/adapters/native/session-directory.js";
import { NativeSession } from "../../../src/adapters/native/session.js";
import { TokenBucket } from "../../../src/util/token-bucket.js";

const noRelease = (): void => undefined;

/** Records what the handlers ask of the core; `failWith` makes every call fail like the core would. */
class FakeIdentities {
  readonly calls: Array<{ readonly method: string; readonly person: Address; readonly address?: Address }> = [];
  failWith: GatewayError | undefined;
  records: IdentityLinkRecord[] = [];

  async request(person: Address, address: Address): Promise<{ expiresAt: number }> {
    this.calls.push({ method: "request", person, address });
    if (this.failWith) throw this.failWith;
    return { expiresAt: 1767226212345 };
  }

  async unlink(person: Address, address: Address): Promise<void> {
    this.calls.push({ method: "unlink", person, address });
    if (this.failWith) throw this.failWith;
  }

  async links(person: Address): Promise<IdentityLinkRecord[]> {
    this.calls.push({ method: "links", person });
    return this.records;
  }

  /** Address keys of links that do not count now (a bound nick logged out of its account). */
  notCounting = new Set<string>();

  personOf(address: Address): Address | undefined {
    if (this.notCounting.has(formatAddress(address))) return undefined;
    return this.records.find((record) => formatAddress(record.address) === formatAddress(address))?.person;
  }
}

/** A socket that keeps what is sent to it. */
function fakeSocket(sent: unknown[], open = true): WebSocket {
  return { OPEN: 1, readyState: open ? 1 : 3, send: (text: string) => sent.push(JSON.parse(text)) } as unknown as WebSocket;
}

function loggedIn(user: string, sent: unknown[] = [], open = true): NativeSession {
  const session = new NativeSession(`s-${user}`, fakeSocket(sent, open), "127.0.0.1", new TokenBucket(100, 100));
  session.state = "authenticated";
  session.user = user;
  session.address = userAddress(user);
  return session;
}

describe("identity handlers", () => {
  let identities: FakeIdentities;
  let env: HandlerEnvironment;

  beforeEach(() => {
    identities = new FakeIdentities();
    env = { services: { identities: identities as unknown as IdentityService } } as unknown as HandlerEnvironment;
  });

  it("are the handlers of the identity frames", () => {
    assert.equal(HANDLERS["identity.link"], identityLink);
    assert.equal(HANDLERS["identity.unlink"], identityUnlink);
    assert.equal(HANDLERS["identity.list"], identityList);
  });

  describe("identity.link", () => {
    it("asks the core for the session's own user, with the address folded, and answers the canonical address and expiry", async () => {
      const answer = await identityLink(loggedIn("alice"), { type: "identity.link", address: "xmpp:Juliet@Example.ORG" }, env, noRelease);
      assert.deepEqual(answer, { address: "xmpp:juliet@example.org", expires_at: 1767226212345 });
      assert.equal(identities.calls.length, 1);
      const call = identities.calls[0];
      assert.equal(call?.method, "request");
      assert.equal(formatAddress(call.person), "native:alice");
      assert.equal(call.address && formatAddress(call.address), "xmpp:juliet@example.org");
    });

    it("folds IRC nicks and keeps the network", async () => {
      const answer = await identityLink(loggedIn("alice"), { type: "identity.link", address: "irc://libera/Bob" }, env, noRelease);
      assert.equal(answer?.["address"], "irc://libera/bob");
    });

    it("passes the core's errors on unchanged", async () => {
      for (const code of ["GW_ERR_BAD_ADDRESS", "GW_ERR_NO_ROUTE", "GW_ERR_ALREADY_LINKED", "GW_ERR_RATE_LIMITED", "GW_ERR_FORBIDDEN"] as const) {
        identities.failWith = new GatewayError(code, `core says ${code}`);
        await assert.rejects(identityLink(loggedIn("alice"), { type: "identity.link", address: "xmpp:juliet@example.org" }, env, noRelease), { code, message: `core says ${code}` });
      }
    });

    for (const [what, text] of [
      ["a malformed address", "gopher:bob"],
      ["a bad percent-encoding", "xmpp:%zz@example.org"],
      ["a native room", "native:%23lobby"],
      ["an XMPP full JID", "xmpp:juliet@example.org/phone"],
      ["an XMPP domain (a server or a gateway, not an account)", "xmpp:switchboard.example.org"],
      ["an IRC channel", "irc://libera/%23dev"],
      ["an IRC local channel", "irc://libera/%26ops"],
    ] as const) {
      it(`refuses ${what} with GW_ERR_BAD_ADDRESS before asking the core to send anything`, async () => {
        await assert.rejects(identityLink(loggedIn("alice"), { type: "identity.link", address: text }, env, noRelease), { code: "GW_ERR_BAD_ADDRESS" });
        assert.deepEqual(identities.calls, []);
      });
    }

    it("leaves native people to the core, which refuses them", () => {
      assert.equal(formatAddress(linkableAddress("native:Bob")), "native:bob");
    });

    it("needs a logged-in session", async () => {
      const session = loggedIn("alice");
      session.address = undefined;
      await assert.rejects(identityLink(session, { type: "identity.link", address: "xmpp:juliet@example.org" }, env, noRelease), { code: "GW_ERR_NOT_AUTHENTICATED" });
      assert.deepEqual(identities.calls, []);
    });
  });

  describe("identity.unlink", () => {
    it("unlinks for the session's own user, the address folded, and answers an empty ok", async () => {
      assert.deepEqual(await identityUnlink(loggedIn("alice"), { type: "identity.unlink", address: "irc://libera/BOB" }, env, noRelease), {});
      const call = identities.calls[0];
      assert.equal(call?.method, "unlink");
      assert.equal(formatAddress(call.person), "native:alice");
      assert.equal(call.address && formatAddress(call.address), "irc://libera/bob");
    });

    it("passes GW_ERR_NOT_FOUND on", async () => {
      identities.failWith = new GatewayError("GW_ERR_NOT_FOUND", "irc://libera/bob is not linked to you");
      await assert.rejects(identityUnlink(loggedIn("alice"), { type: "identity.unlink", address: "irc://libera/bob" }, env, noRelease), { code: "GW_ERR_NOT_FOUND" });
    });

    it("refuses a malformed address", async () => {
      await assert.rejects(identityUnlink(loggedIn("alice"), { type: "identity.unlink", address: "gopher:bob" }, env, noRelease), { code: "GW_ERR_BAD_ADDRESS" });
    });
  });

  describe("identity.list", () => {
    it("lists the session user's links as address, linked_at and whether each counts as them now", async () => {
      const person = userAddress("alice");
      identities.records = [
        { person, address: parseAddress("irc://libera/bob"), linkedAt: 1767225900000 },
        { person, address: makeAddress("xmpp", "default", "juliet@example.org"), linkedAt: 1767225800000 },
      ];
      identities.notCounting.add("irc://libera/bob");
      const answer = await identityList(loggedIn("alice"), { type: "identity.list" }, env, noRelease);
      assert.deepEqual(answer, {
        links: [
          { address: "irc://libera/bob", linked_at: 1767225900000, counts: false },
          { address: "xmpp:juliet@example.org", linked_at: 1767225800000, counts: true },
        ],
      });
      assert.equal(identities.calls[0] && formatAddress(identities.calls[0].person), "native:alice");
    });

    it("answers an empty list when nothing is linked", async () => {
      assert.deepEqual(await identityList(loggedIn("alice"), { type: "identity.list" }, env, noRelease), { links: [] });
    });
  });
});

describe("NativeAdapter.identityChanged", () => {
  function adapter(): { adapter: NativeAdapter; sessions: SessionDirectory } {
    const config = { login_attempts: { max: 5, window_seconds: 60 }, trusted_proxies: [], allowed_origins: [], registrations_per_hour: 20 } as unknown as NativeConfig;
    const native = new NativeAdapter(config, {} as NativeServices, { account: "default" } as AdapterContext);
    // The directory is private: the sessions a login would attach.
    return { adapter: native, sessions: (native as unknown as { sessions: SessionDirectory }).sessions };
  }

  it("pushes identity.linked to every open session of the person, and to nobody else", async () => {
    const { adapter: native, sessions } = adapter();
    const phone: unknown[] = [];
    const laptop: unknown[] = [];
    const closed: unknown[] = [];
    const other: unknown[] = [];
    sessions.attach(loggedIn("alice", phone), "alice");
    sessions.attach(loggedIn("alice", laptop), "alice");
    sessions.attach(loggedIn("alice", closed, false), "alice");
    sessions.attach(loggedIn("bob", other), "bob");
    await native.identityChanged(userAddress("alice"), parseAddress("xmpp:juliet@example.org"), true);
    await native.identityChanged(userAddress("alice"), parseAddress("irc://libera/bob"), false);
    const expected = [
      { type: "identity.linked", address: "xmpp:juliet@example.org", linked: true },
      { type: "identity.linked", address: "irc://libera/bob", linked: false },
    ];
    assert.deepEqual(phone, expected);
    assert.deepEqual(laptop, expected);
    assert.deepEqual(closed, []);
    assert.deepEqual(other, []);
  });

  it("does nothing for a person without sessions or an address that is not a native user", async () => {
    const { adapter: native, sessions } = adapter();
    const sent: unknown[] = [];
    sessions.attach(loggedIn("alice", sent), "alice");
    await native.identityChanged(userAddress("carol"), parseAddress("xmpp:juliet@example.org"), true);
    await native.identityChanged(parseAddress("irc://libera/alice"), parseAddress("xmpp:juliet@example.org"), true);
    assert.deepEqual(sent, []);
  });
});
