/** avatar-stanzas.ts and avatar-cache.ts: XEP-0153 presence hashes, vCard PHOTO both ways, and XMPP users' avatars kept a while. */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { AvatarCache, MAX_BYTES, MAX_ENTRIES, TTL_MS } from "../../../src/adapters/xmpp/avatar-cache.js";
import { avatarOfVcard, photoOf } from "../../../src/adapters/xmpp/avatar-stanzas.js";
import { presence } from "../../../src/adapters/xmpp/stanzas.js";
import { nativeUserVcard } from "../../../src/adapters/xmpp/vcard-temp.js";
import { makeAddress } from "../../../src/core/model/address.js";
import { GatewayError } from "../../../src/core/errors.js";
import { avatarHash, type Avatar } from "../../../src/core/model/avatar.js";

const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(24, 7)]);
const alice = makeAddress("native", "default", "alice");
const bob = makeAddress("irc", "libera", "bob");

function png(size: number, fill: number): Avatar {
  const data = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(size - 8, fill)]);
  return { type: "image/png", data, hash: avatarHash(data) };
}

describe("avatar stanzas (XEP-0153, vCard PHOTO)", () => {
  it("puts a native user's hash in her available presence, an empty photo when she has none, and nothing for an IRC person", () => {
    const refOf = (owner: typeof alice): { type: "image/png"; hash: string } | undefined => (owner.id === "alice" ? { type: "image/png", hash: "ab".repeat(20) } : undefined);
    const withHash = presence({ from: "alice@gw/switchboard", to: "juliet@example.org", show: "online", ...photoOf(alice, refOf) });
    assert.equal(withHash.getChild("x", "vcard-temp:x:update")?.getChildText("photo"), "ab".repeat(20));
    const none = presence({ from: "carol@gw/switchboard", to: "juliet@example.org", show: "away", ...photoOf(makeAddress("native", "default", "carol"), refOf) });
    assert.equal(none.getChild("x", "vcard-temp:x:update")?.getChild("photo")?.toString(), "<photo/>");
    assert.equal(presence({ from: "bob%libera@gw/switchboard", show: "online", ...photoOf(bob, refOf) }).getChild("x"), undefined);
    assert.equal(presence({ from: "alice@gw/switchboard", show: "offline", ...photoOf(alice, refOf) }).getChild("x"), undefined, "not in an unavailable presence");
  });

  it("writes a native user's PHOTO after her NICKNAME, and reads it back as the same picture", () => {
    const vcard = nativeUserVcard({ nick: "alice" }, { type: "image/png", data: PNG });
    assert.deepEqual(vcard.children.map((child) => (typeof child === "string" ? child : child.name)), ["NICKNAME", "PHOTO"]);
    assert.deepEqual(avatarOfVcard(vcard), { type: "image/png", data: PNG, hash: avatarHash(PNG) });
  });

  it("reads no avatar from a vCard without PHOTO or with a link only, and refuses one whose bytes are not its type", () => {
    assert.equal(avatarOfVcard(xml("vCard", { xmlns: "vcard-temp" }, xml("FN", {}, "Juliet"))), undefined);
    assert.equal(avatarOfVcard(xml("vCard", { xmlns: "vcard-temp" }, xml("PHOTO", {}, xml("EXTVAL", {}, "https://example.org/a.png")))), undefined);
    assert.throws(() => avatarOfVcard(xml("vCard", { xmlns: "vcard-temp" }, xml("PHOTO", {}, xml("TYPE", {}, "image/gif"), xml("BINVAL", {}, PNG.toString("base64"))))), { code: "GW_ERR_UNAVAILABLE" });
    // Line breaks inside BINVAL (as clients write base64) and a type in capitals are read.
    const wrapped = PNG.toString("base64").replace(/(.{8})/g, "$1\n");
    assert.deepEqual(avatarOfVcard(xml("vCard", { xmlns: "vcard-temp" }, xml("PHOTO", {}, xml("TYPE", {}, "IMAGE/PNG"), xml("BINVAL", {}, wrapped))))?.data, PNG);
  });
});

describe("AvatarCache", () => {
  const ASKER = "alice@switchboard.example.org";

  it("keeps a picture for the asker who was given it, and drops it for every asker when another hash is heard", async () => {
    const cache = new AvatarCache(() => 0);
    const fetched: string[] = [];
    const avatar = png(100, 1);
    const fetcher = (asker: string) => async (): Promise<Avatar | undefined> => {
      fetched.push(asker);
      return asker === "bob@sb" ? undefined : avatar;
    };
    assert.equal(await cache.get("juliet@example.org", "alice@sb", fetcher("alice@sb")), avatar);
    assert.equal(await cache.get("juliet@example.org", "bob@sb", fetcher("bob@sb")), undefined, "her server refused bob what it gave alice");
    assert.equal(await cache.get("juliet@example.org", "alice@sb", fetcher("alice@sb")), avatar);
    assert.deepEqual(fetched, ["alice@sb", "bob@sb"]);
    cache.heard("Juliet@example.org", "ab".repeat(20));
    await cache.get("juliet@example.org", "alice@sb", fetcher("alice@sb"));
    await cache.get("juliet@example.org", "bob@sb", fetcher("bob@sb"));
    assert.deepEqual(fetched, ["alice@sb", "bob@sb", "alice@sb", "bob@sb"]);
  });

  it("fetches once for concurrent askers and keeps the answer until TTL_MS has passed", async () => {
    let now = 0;
    const cache = new AvatarCache(() => now);
    let fetches = 0;
    const fetch = async (): Promise<Avatar> => {
      fetches++;
      return png(100, 1);
    };
    const [a, b] = await Promise.all([cache.get("Juliet@example.org", ASKER, fetch), cache.get("juliet@example.org", ASKER, fetch)]);
    assert.equal(a, b);
    assert.equal(fetches, 1);
    now = TTL_MS - 1;
    await cache.get("juliet@example.org", ASKER, fetch);
    assert.equal(fetches, 1);
    now = TTL_MS;
    await cache.get("juliet@example.org", ASKER, fetch);
    assert.equal(fetches, 2);
  });

  it("drops a kept picture when a presence names another hash, and keeps it for the same one", async () => {
    const cache = new AvatarCache(() => 0);
    let fetches = 0;
    const avatar = png(100, 1);
    const fetch = async (): Promise<Avatar> => {
      fetches++;
      return avatar;
    };
    await cache.get("juliet@example.org", ASKER, fetch);
    cache.heard("juliet@example.org", avatar.hash);
    await cache.get("juliet@example.org", ASKER, fetch);
    assert.equal(fetches, 1);
    cache.heard("juliet@example.org", "");
    await cache.get("juliet@example.org", ASKER, fetch);
    assert.equal(fetches, 2);
  });

  it("keeps no picture fetched while another hash was heard: the next ask fetches the new one", async () => {
    const cache = new AvatarCache(() => 0);
    const old = png(100, 1);
    const current = png(100, 2);
    let answer: (avatar: Avatar) => void = () => undefined;
    const slow = cache.get("juliet@example.org", ASKER, () => new Promise<Avatar>((resolve) => (answer = resolve)));
    // Her new avatar is announced while her server is still answering with the old one.
    cache.heard("juliet@example.org", current.hash);
    answer(old);
    assert.equal(await slow, old, "the asker gets what her server gave");
    let fetches = 0;
    const fetchCurrent = async (): Promise<Avatar> => {
      fetches++;
      return current;
    };
    assert.equal(await cache.get("juliet@example.org", ASKER, fetchCurrent), current, "the old picture was not kept for TTL_MS");
    assert.equal(fetches, 1);
    // A fetch that gives the hash heard meanwhile is kept as usual.
    let again: (avatar: Avatar) => void = () => undefined;
    const other = cache.get("juliet@example.org", "bob@sb", () => new Promise<Avatar>((resolve) => (again = resolve)));
    cache.heard("juliet@example.org", current.hash);
    again(current);
    await other;
    assert.equal(await cache.get("juliet@example.org", "bob@sb", fetchCurrent), current);
    assert.equal(fetches, 1);
  });

  it("keeps no \"no vCard\" answer given while a hash of hers was heard: the next ask asks her server again", async () => {
    const cache = new AvatarCache(() => 0);
    const current = png(100, 2);
    let asks = 0;
    const noVcard = async (): Promise<never> => {
      asks++;
      throw new GatewayError("GW_ERR_NOT_FOUND", "juliet@example.org has no vCard");
    };
    let refuse: () => void = () => undefined;
    const slow = cache.vcard("juliet@example.org", () => new Promise<never>((_resolve, reject) => (refuse = () => reject(new GatewayError("GW_ERR_NOT_FOUND", "no vCard")))));
    // She sets a picture (its hash in her presence) while her server is still answering that she has no vCard.
    cache.heard("juliet@example.org", current.hash);
    refuse();
    await assert.rejects(slow, { code: "GW_ERR_NOT_FOUND" }, "the asker gets what her server said");
    await assert.rejects(cache.vcard("juliet@example.org", noVcard), { code: "GW_ERR_NOT_FOUND" });
    assert.equal(asks, 1, "her server was asked again: the answer given before was not kept");
    // One given while she said she has none is kept as usual.
    await assert.rejects(cache.vcard("juliet@example.org", noVcard), { code: "GW_ERR_NOT_FOUND" });
    assert.equal(asks, 1, "the second answer, with nothing heard meanwhile, was kept");
    let refuseAgain: () => void = () => undefined;
    const other = cache.vcard("romeo@example.org", () => new Promise<never>((_resolve, reject) => (refuseAgain = () => reject(new GatewayError("GW_ERR_NOT_FOUND", "no vCard")))));
    cache.heard("romeo@example.org", "");
    refuseAgain();
    await assert.rejects(other, { code: "GW_ERR_NOT_FOUND" });
    await assert.rejects(cache.vcard("romeo@example.org", noVcard), { code: "GW_ERR_NOT_FOUND" });
    assert.equal(asks, 1, "romeo's answer, given while he said he has no avatar, was kept");
  });

  it("keeps at most MAX_BYTES of pictures, dropping the least recently used first", async () => {
    const cache = new AvatarCache(() => 0);
    const size = 64 * 1024;
    const count = MAX_BYTES / size;
    const fetched: string[] = [];
    const fetcher = (jid: string) => async (): Promise<Avatar> => {
      fetched.push(jid);
      return png(size, 1);
    };
    for (let i = 0; i < count; i++) await cache.get(`u${i}@example.org`, ASKER, fetcher(`u${i}`));
    await cache.get("u0@example.org", ASKER, fetcher("u0")); // used again: now the most recent
    await cache.get("extra@example.org", ASKER, fetcher("extra")); // one too many: u1, the least recently used, goes
    fetched.length = 0;
    await cache.get("u0@example.org", ASKER, fetcher("u0"));
    await cache.get("u2@example.org", ASKER, fetcher("u2"));
    assert.deepEqual(fetched, []);
    await cache.get("u1@example.org", ASKER, fetcher("u1"));
    assert.deepEqual(fetched, ["u1"]);
  });

  it("keeps at most MAX_ENTRIES answers, those of no picture too, dropping the least recently used first", async () => {
    const cache = new AvatarCache(() => 0);
    let fetches = 0;
    const none = async (): Promise<undefined> => {
      fetches += 1;
      return undefined;
    };
    for (let i = 0; i <= MAX_ENTRIES; i++) await cache.get(`nobody${i}@example.org`, ASKER, none);
    assert.equal(cache.size, MAX_ENTRIES);
    fetches = 0;
    await cache.get(`nobody${MAX_ENTRIES}@example.org`, ASKER, none);
    assert.equal(fetches, 0, "the newest is kept");
    await cache.get("nobody0@example.org", ASKER, none);
    assert.equal(fetches, 1, "the oldest was dropped");
  });

  it("keeps no refusal: the next ask fetches again", async () => {
    const cache = new AvatarCache(() => 0);
    await assert.rejects(cache.get("juliet@example.org", ASKER, () => Promise.reject(new Error("timeout"))));
    assert.equal(await cache.get("juliet@example.org", ASKER, async () => undefined), undefined);
  });
});
