/**
 * validateFrame: one raw WebSocket text frame in, a validated frame or a coded refusal out. Each rejection
 * path is checked with the exact code a client sees, in the order the validator applies them.
 */
import assert from "node:assert/strict";
import { isFrameType, validateFrame, type FrameResult } from "../../../src/adapters/native/frame-validator.js";
import type { ErrorCode } from "../../../src/core/errors.js";

const LIMIT = 1024;

function refused(result: FrameResult, code: ErrorCode): { message: string; requestId?: string } {
  assert.ok(!result.ok, `expected ${code}, the frame was accepted: ${JSON.stringify(result)}`);
  assert.equal(result.code, code, result.message);
  return result;
}

function accepted(result: FrameResult): Record<string, unknown> {
  assert.ok(result.ok, result.ok ? "" : `${result.code}: ${result.message}`);
  return result.frame as unknown as Record<string, unknown>;
}

function json(frame: unknown): string {
  return JSON.stringify(frame);
}

describe("validateFrame", () => {
  describe("accepts", () => {
    it("a valid frame given as a string, and returns it", () => {
      const frame = accepted(validateFrame(json({ type: "hello", id: "h1", version: 1, client: "test" }), LIMIT));
      assert.deepEqual(frame, { type: "hello", id: "h1", version: 1, client: "test" });
    });

    it("a valid frame given as UTF-8 bytes, non-ASCII text included", () => {
      const frame = accepted(validateFrame(Buffer.from(json({ type: "message.send", to: "native:bob", body: "grüße, 你好 👋" }), "utf8"), LIMIT));
      assert.equal(frame["body"], "grüße, 你好 👋");
    });

    it("a frame without a request id", () => {
      accepted(validateFrame(json({ type: "ping" }), LIMIT));
    });

    it("a bridge's key with spaces (a MUC password), but none with a control character", () => {
      const frame = accepted(validateFrame(json({ type: "bridge.add", room: "dev", with: "xmpp://bot/dev@conference.example.org", key: "open sesame" }), LIMIT));
      assert.equal(frame["key"], "open sesame");
      refused(validateFrame(json({ type: "bridge.add", room: "dev", with: "irc://libera/%23dev", key: "a\r\nQUIT" }), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("text with escaped surrogate pairs (an emoji as \\ud83d\\udc4b), but none with a lone surrogate", () => {
      const frame = accepted(validateFrame('{"type":"message.send","to":"native:bob","body":"hi \\ud83d\\udc4b"}', LIMIT));
      assert.equal(frame["body"], "hi 👋");
      for (const body of ["a\\udc00b", "a\\ud800", "\\uDBFF"]) {
        const result = refused(validateFrame(`{"type":"message.send","id":"m1","to":"native:bob","body":"${body}"}`, LIMIT), "GW_ERR_BAD_FRAME");
        assert.match(result.message, /lone UTF-16 surrogate/);
        assert.equal(result.requestId, "m1");
      }
      refused(validateFrame('{"type":"register","user":"ann","password":"12345678","display_name":"x\\udfff"}', LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("a frame of exactly the size limit", () => {
      const base = json({ type: "message.send", to: "native:bob", body: "" });
      const text = json({ type: "message.send", to: "native:bob", body: "x".repeat(LIMIT - base.length) });
      assert.equal(Buffer.byteLength(text), LIMIT);
      accepted(validateFrame(text, LIMIT));
    });

    it("attachments beside a body, and with an empty body (message.send and room.send)", () => {
      const image = { url: "https://upload.example.org/cat.jpg", description: "a cat" };
      const frame = accepted(validateFrame(json({ type: "message.send", to: "native:bob", body: "look", attachments: [image] }), LIMIT));
      assert.deepEqual(frame["attachments"], [image]);
      accepted(validateFrame(json({ type: "room.send", room: "lobby", body: "", attachments: [{ url: "http://example.org/a.pdf" }] }), LIMIT));
    });
  });

  describe("applies the schema's defaults", () => {
    it("kind: text on message.send", () => {
      assert.equal(accepted(validateFrame(json({ type: "message.send", to: "native:bob", body: "hi" }), LIMIT))["kind"], "text");
    });

    it("kind: text on room.send", () => {
      assert.equal(accepted(validateFrame(json({ type: "room.send", room: "lobby", body: "hi" }), LIMIT))["kind"], "text");
    });

    it("keeps a kind that was given", () => {
      assert.equal(accepted(validateFrame(json({ type: "message.send", to: "native:bob", body: "waves", kind: "action" }), LIMIT))["kind"], "action");
    });

    it("limit: 50 on history", () => {
      assert.equal(accepted(validateFrame(json({ type: "history", with: "native:bob" }), LIMIT))["limit"], 50);
    });
  });

  describe("refuses with GW_ERR_FRAME_TOO_LARGE", () => {
    it("a frame one byte over the limit", () => {
      const base = json({ type: "message.send", to: "native:bob", body: "" });
      const text = json({ type: "message.send", to: "native:bob", body: "x".repeat(LIMIT - base.length + 1) });
      const { message } = refused(validateFrame(text, LIMIT), "GW_ERR_FRAME_TOO_LARGE");
      assert.match(message, new RegExp(`${LIMIT + 1} bytes .* limit of ${LIMIT}`));
    });

    it("counting bytes of the UTF-8 encoding, not characters", () => {
      const text = json({ type: "message.send", to: "native:bob", body: "é".repeat(600) });
      assert.ok(text.length < LIMIT && Buffer.byteLength(text) > LIMIT);
      refused(validateFrame(text, LIMIT), "GW_ERR_FRAME_TOO_LARGE");
    });

    it("before anything else: a large frame that is not even JSON, without echoing any id", () => {
      const result = refused(validateFrame(Buffer.from(`{"id":"r1",${"\u00ff".repeat(LIMIT)}`, "latin1"), LIMIT), "GW_ERR_FRAME_TOO_LARGE");
      assert.equal(result.requestId, undefined);
    });
  });

  describe("refuses with GW_ERR_BAD_FRAME", () => {
    it("bytes that are not valid UTF-8", () => {
      const { message } = refused(validateFrame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), LIMIT), "GW_ERR_BAD_FRAME");
      assert.match(message, /not valid UTF-8/);
    });

    it("a UTF-8 sequence cut short", () => {
      refused(validateFrame(Buffer.concat([Buffer.from('{"type":"ping","id":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("an encoded UTF-16 surrogate, which UTF-8 forbids", () => {
      refused(validateFrame(Buffer.concat([Buffer.from('{"type":"ping","id":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("text that is not JSON", () => {
      const { message, requestId } = refused(validateFrame('{"type": "ping", "id": "p1"', LIMIT), "GW_ERR_BAD_FRAME");
      assert.match(message, /not valid JSON/);
      assert.equal(requestId, undefined);
    });

    it("an empty frame", () => {
      refused(validateFrame("", LIMIT), "GW_ERR_BAD_FRAME");
    });

    for (const [what, text] of [
      ["a JSON array", '[{"type":"ping"}]'],
      ["a JSON number", "42"],
      ["JSON null", "null"],
      ["a JSON string", '"ping"'],
      ["JSON true", "true"],
    ] as const) {
      it(`${what}`, () => {
        const { message } = refused(validateFrame(text, LIMIT), "GW_ERR_BAD_FRAME");
        assert.equal(message, "frame must be a JSON object");
      });
    }

    it("an object without a type, echoing its request id", () => {
      const result = refused(validateFrame(json({ id: "r7", version: 1 }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.match(result.message, /"type"/);
      assert.equal(result.requestId, "r7");
    });

    it("a type that is not a string", () => {
      refused(validateFrame(json({ type: 7, id: "r8" }), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("a field of the wrong type, naming the field", () => {
      const result = refused(validateFrame(json({ type: "hello", id: "h1", version: "1" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(result.message, "hello: version: must be integer");
      assert.equal(result.requestId, "h1");
    });

    it("a body that is not a string", () => {
      const { message } = refused(validateFrame(json({ type: "message.send", to: "native:bob", body: 42 }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.match(message, /^message\.send: body: must be string/);
    });

    it("a missing required field, naming it", () => {
      const { message } = refused(validateFrame(json({ type: "message.send", to: "native:bob" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(message, 'message.send: frame: missing field "body"');
    });

    it("a `from` on message.send: a session can never name a sender", () => {
      const result = refused(validateFrame(json({ type: "message.send", id: "m1", to: "native:bob", body: "hi", from: "native:carol" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(result.message, 'message.send: frame: unknown field "from"');
      assert.equal(result.requestId, "m1");
    });

    it("an `owner` on contact.list: a session can only read its own list", () => {
      const { message } = refused(validateFrame(json({ type: "contact.list", owner: "native:carol" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(message, 'contact.list: frame: unknown field "owner"');
    });

    it("a `user` on presence.set", () => {
      const { message } = refused(validateFrame(json({ type: "presence.set", show: "away", user: "carol" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.match(message, /unknown field "user"/);
    });

    it("a show that is not one of the enum, listing the allowed values", () => {
      const { message } = refused(validateFrame(json({ type: "presence.set", show: "busy" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(message, 'presence.set: show: must be one of "online", "chat", "away", "xa", "dnd"');
    });

    it("offline as a show: a session goes offline by logging out", () => {
      refused(validateFrame(json({ type: "presence.set", show: "offline" }), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("a kind that is not one of the enum", () => {
      const { message } = refused(validateFrame(json({ type: "message.send", to: "native:bob", body: "hi", kind: "shout" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(message, 'message.send: kind: must be one of "text", "action", "notice"');
    });

    it("a typing state that is not one of the enum", () => {
      const { message } = refused(validateFrame(json({ type: "typing", to: "native:bob", state: "typing" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(message, 'typing: state: must be one of "composing", "paused", "active"');
    });

    it("a user name that breaks its pattern", () => {
      const { message } = refused(validateFrame(json({ type: "register", user: "bad name", password: "long enough" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.match(message, /^register: user: must match pattern/);
    });

    it("a password shorter than 8 characters", () => {
      const { message } = refused(validateFrame(json({ type: "login", user: "alice", password: "short" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.match(message, /^login: password: must NOT have fewer than 8 characters/);
    });

    it("an empty body", () => {
      refused(validateFrame(json({ type: "message.send", to: "native:bob", body: "" }), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("numbers out of range", () => {
      refused(validateFrame(json({ type: "history", with: "native:bob", limit: 501 }), LIMIT), "GW_ERR_BAD_FRAME");
      refused(validateFrame(json({ type: "history", with: "native:bob", limit: 0 }), LIMIT), "GW_ERR_BAD_FRAME");
      refused(validateFrame(json({ type: "presence.set", show: "away", priority: 128 }), LIMIT), "GW_ERR_BAD_FRAME");
      refused(validateFrame(json({ type: "presence.set", show: "away", priority: 1.5 }), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("every problem of a frame at once", () => {
      const { message } = refused(validateFrame(json({ type: "message.send", to: 1, kind: "shout", from: "native:carol" }), LIMIT), "GW_ERR_BAD_FRAME");
      for (const part of ['missing field "body"', 'unknown field "from"', "to: must be string", "kind: must be one of"]) assert.ok(message.includes(part), `${part} in ${message}`);
    });

    it("an empty request id", () => {
      refused(validateFrame(json({ type: "ping", id: "" }), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("a request id that is not a string, without echoing it", () => {
      const result = refused(validateFrame(json({ type: "ping", id: 12 }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(result.requestId, undefined);
    });

    it("a request id longer than 64 characters, without echoing it", () => {
      const result = refused(validateFrame(json({ type: "ping", id: "r".repeat(65) }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(result.requestId, undefined);
    });

    it("a message.send or room.send with an empty body and no attachments", () => {
      refused(validateFrame(json({ type: "message.send", to: "native:bob", body: "" }), LIMIT), "GW_ERR_BAD_FRAME");
      refused(validateFrame(json({ type: "room.send", room: "lobby", body: "" }), LIMIT), "GW_ERR_BAD_FRAME");
    });

    it("attachments that are not http(s) URLs, have spaces or control characters, are too many or carry unknown keys", () => {
      const send = (attachments: unknown): string => json({ type: "message.send", to: "native:bob", body: "x", attachments });
      for (const attachment of [{ url: "ftp://example.org/a" }, { url: "https://example.org/a b" }, { url: "https://example.org/\u0001" }, { url: "https://example.org/a", description: "two\nlines" }, { url: "https://example.org/a", size: 3 }, { description: "no url" }]) {
        refused(validateFrame(send([attachment]), 4096), "GW_ERR_BAD_FRAME");
      }
      refused(validateFrame(send([]), LIMIT), "GW_ERR_BAD_FRAME");
      refused(validateFrame(send(Array.from({ length: 11 }, () => ({ url: "https://e.org/a" }))), 4096), "GW_ERR_BAD_FRAME");
    });
  });

  describe("refuses with GW_ERR_UNKNOWN_TYPE", () => {
    it("a type that is not part of the protocol, echoing the request id", () => {
      const result = refused(validateFrame(json({ type: "frob", id: "u1" }), LIMIT), "GW_ERR_UNKNOWN_TYPE");
      assert.equal(result.message, 'unknown frame type "frob"');
      assert.equal(result.requestId, "u1");
    });

    it("without a request id when the frame had none", () => {
      const result = refused(validateFrame(json({ type: "frob" }), LIMIT), "GW_ERR_UNKNOWN_TYPE");
      assert.ok(!("requestId" in result));
    });

    it("a server frame type sent by a client", () => {
      for (const type of ["ok", "error", "pong", "message", "presence", "subscription"]) refused(validateFrame(json({ type }), LIMIT), "GW_ERR_UNKNOWN_TYPE");
    });

    it("names of Object.prototype members", () => {
      for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty"]) refused(validateFrame(json({ type }), LIMIT), "GW_ERR_UNKNOWN_TYPE");
    });

    it("quoting at most 64 characters of a long type", () => {
      const { message } = refused(validateFrame(json({ type: "t".repeat(500) }), LIMIT), "GW_ERR_UNKNOWN_TYPE");
      assert.equal(message, `unknown frame type "${"t".repeat(64)}"`);
    });

    it("before checking the frame's fields", () => {
      refused(validateFrame(json({ type: "frob", from: "native:carol", body: 1 }), LIMIT), "GW_ERR_UNKNOWN_TYPE");
    });
  });
});

describe("validateFrame: the identity frames", () => {
  it("accepts identity.link with an address, and returns it as given", () => {
    const frame = accepted(validateFrame(json({ type: "identity.link", id: "i1", address: "xmpp:Juliet@example.org" }), LIMIT));
    assert.deepEqual(frame, { type: "identity.link", id: "i1", address: "xmpp:Juliet@example.org" });
  });

  it("accepts identity.unlink with an address and identity.list without fields", () => {
    accepted(validateFrame(json({ type: "identity.unlink", id: "i2", address: "irc://libera/bob" }), LIMIT));
    assert.deepEqual(accepted(validateFrame(json({ type: "identity.list", id: "i3" }), LIMIT)), { type: "identity.list", id: "i3" });
  });

  it("refuses identity.link and identity.unlink without an address, naming the field and echoing the id", () => {
    for (const type of ["identity.link", "identity.unlink"]) {
      const result = refused(validateFrame(json({ type, id: "i4" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(result.message, `${type}: frame: missing field "address"`);
      assert.equal(result.requestId, "i4");
    }
  });

  it("refuses an address that is not a string, or shorter than 3 or longer than 1100 characters", () => {
    const { message } = refused(validateFrame(json({ type: "identity.link", address: 42 }), LIMIT), "GW_ERR_BAD_FRAME");
    assert.equal(message, "identity.link: address: must be string");
    refused(validateFrame(json({ type: "identity.link", address: "x:" }), LIMIT), "GW_ERR_BAD_FRAME");
    refused(validateFrame(json({ type: "identity.unlink", address: `xmpp:${"j".repeat(1100)}@example.org` }), 4096), "GW_ERR_BAD_FRAME");
  });

  it("refuses a person on identity.link: a session only ever links accounts to its own user", () => {
    for (const field of ["person", "user", "owner", "from"]) {
      const { message } = refused(validateFrame(json({ type: "identity.link", address: "xmpp:juliet@example.org", [field]: "native:carol" }), LIMIT), "GW_ERR_BAD_FRAME");
      assert.equal(message, `identity.link: frame: unknown field "${field}"`);
    }
  });

  it("refuses a person on identity.unlink and identity.list, and a code on any of them (codes come back from the other network)", () => {
    refused(validateFrame(json({ type: "identity.unlink", address: "xmpp:juliet@example.org", person: "native:carol" }), LIMIT), "GW_ERR_BAD_FRAME");
    const { message } = refused(validateFrame(json({ type: "identity.list", owner: "native:carol" }), LIMIT), "GW_ERR_BAD_FRAME");
    assert.equal(message, 'identity.list: frame: unknown field "owner"');
    refused(validateFrame(json({ type: "identity.link", address: "xmpp:juliet@example.org", code: "ABCD-EFGH" }), LIMIT), "GW_ERR_BAD_FRAME");
  });

  it("refuses the identity.linked push sent by a client as an unknown type", () => {
    refused(validateFrame(json({ type: "identity.linked", address: "xmpp:juliet@example.org", linked: true }), LIMIT), "GW_ERR_UNKNOWN_TYPE");
  });
});

describe("isFrameType", () => {
  it("knows the client frame types and nothing else", () => {
    assert.ok(isFrameType("message.send"));
    assert.ok(isFrameType("room.subject"));
    assert.ok(isFrameType("identity.link") && isFrameType("identity.unlink") && isFrameType("identity.list"));
    assert.ok(!isFrameType("identity.linked"));
    assert.ok(!isFrameType("ok"));
    assert.ok(!isFrameType("constructor"));
  });
});
