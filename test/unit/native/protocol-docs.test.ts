/**
 * Keeps docs/protocol.md and docs/protocol.schema.json true to the code: the published schema is exactly
 * what frame-schemas.ts generates, every client example passes the gateway's own validator, and every frame
 * type and every error code is documented. Examples are the fenced blocks with the info string
 * `json client` or `json server`, one frame per block.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import AjvModule from "ajv";
import { ERROR_CODES, type ErrorCode } from "../../../src/core/errors.js";
import { CLIENT_FRAME_SCHEMAS } from "../../../src/adapters/native/frame-schemas.js";
import { validateFrame } from "../../../src/adapters/native/frame-validator.js";
import { PROTOCOL_SCHEMA_PATH, renderProtocolSchema } from "../../../scripts/write-protocol-schema.js";

const Ajv = AjvModule.default;

const root = fileURLToPath(new URL("../../../", import.meta.url));
const docPath = join(root, "docs/protocol.md");
const doc = readFileSync(docPath, "utf8");

/** The default native.max_frame_bytes: every example must fit a frame of a default gateway. */
const DEFAULT_MAX_FRAME_BYTES = 327680;

/** Every frame type the server sends (src/adapters/native/server-frames.ts and the pong of frame-intake.ts). */
const SERVER_FRAME_TYPES = ["ok", "error", "pong", "message", "message.failed", "presence", "subscription", "typing", "room.member", "room.subject", "identity.linked", "identity.code", "message.delivered", "room.invitation", "room.invitation.declined", "room.destroyed", "contact", "contact.removed", "announcement", "account.avatar", "contact.blocked.changed"];

interface Example {
  readonly side: "client" | "server";
  readonly text: string;
  readonly line: number;
}

function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const opening = /^```json (client|server)\s*$/.exec(lines[i] ?? "");
    if (!opening) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== "```") end++;
    assert.ok(end < lines.length, `docs/protocol.md:${i + 1}: the example block is never closed`);
    found.push({ side: opening[1] as Example["side"], text: lines.slice(start, end).join("\n"), line: i + 1 });
    i = end;
  }
  return found;
}

function parse(example: Example): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(example.text);
  } catch (error: unknown) {
    assert.fail(`docs/protocol.md:${example.line}: the ${example.side} example is not valid JSON: ${String(error)}`);
  }
  assert.ok(typeof value === "object" && value !== null && !Array.isArray(value), `docs/protocol.md:${example.line}: an example must be one JSON object`);
  return value as Record<string, unknown>;
}

const all = examples(doc);
const clientExamples = all.filter((example) => example.side === "client");
const serverExamples = all.filter((example) => example.side === "server");

describe("docs/protocol.schema.json", () => {
  it("is exactly the document that frame-schemas.ts generates", () => {
    const published = readFileSync(PROTOCOL_SCHEMA_PATH, "utf8");
    assert.ok(published === renderProtocolSchema(), "docs/protocol.schema.json is out of date with src/adapters/native/frame-schemas.ts: run `npm run schema`");
  });

  it("compiles as a draft-07 schema and accepts every client example of docs/protocol.md", () => {
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(PROTOCOL_SCHEMA_PATH, "utf8")) as object);
    for (const example of clientExamples) {
      const frame = parse(example);
      if (validate(frame)) continue;
      // oneOf reports every definition's complaint; keep those of the frame's own type.
      const own = (validate.errors ?? []).filter((error) => error.schemaPath.startsWith(`#/definitions/${String(frame["type"])}/`));
      assert.fail(`docs/protocol.md:${example.line}: the published schema refuses the example: ${own.map((error) => `${error.instancePath || "frame"} ${error.message ?? ""} ${JSON.stringify(error.params)}`).join("; ")}`);
    }
  });
});

describe("docs/protocol.md", () => {
  it("has client and server examples", () => {
    assert.ok(clientExamples.length > 0, "no ```json client block found");
    assert.ok(serverExamples.length > 0, "no ```json server block found");
  });

  it("shows only client examples that are valid JSON and pass the gateway's frame validator", () => {
    for (const example of clientExamples) {
      parse(example);
      const result = validateFrame(example.text, DEFAULT_MAX_FRAME_BYTES);
      assert.ok(result.ok, `docs/protocol.md:${example.line}: the client example is refused: ${result.ok ? "" : `${result.code} ${result.message}`}`);
    }
  });

  it("shows an example of every client frame type", () => {
    const shown = new Set(clientExamples.map((example) => parse(example)["type"]));
    const missing = Object.keys(CLIENT_FRAME_SCHEMAS).filter((type) => !shown.has(type));
    assert.deepEqual(missing, [], `client frame types without a \`\`\`json client example: ${missing.join(", ")}`);
  });

  it("shows an example of every server frame type, and no other", () => {
    const shown = new Set<unknown>();
    for (const example of serverExamples) {
      const type = parse(example)["type"];
      assert.ok(typeof type === "string" && SERVER_FRAME_TYPES.includes(type), `docs/protocol.md:${example.line}: "${String(type)}" is not a server frame type`);
      shown.add(type);
    }
    const missing = SERVER_FRAME_TYPES.filter((type) => !shown.has(type));
    assert.deepEqual(missing, [], `server frame types without a \`\`\`json server example: ${missing.join(", ")}`);
  });

  it("uses only catalogued codes in its error and message.failed examples", () => {
    for (const example of serverExamples) {
      const frame = parse(example);
      if (frame["type"] !== "error" && frame["type"] !== "message.failed") continue;
      assert.ok(typeof frame["code"] === "string" && frame["code"] in ERROR_CODES, `docs/protocol.md:${example.line}: unknown code ${String(frame["code"])}`);
    }
  });

  it("never gives a push an id: only answers (ok, error, pong) carry one", () => {
    for (const example of serverExamples) {
      const frame = parse(example);
      if (!["ok", "error", "pong"].includes(String(frame["type"]))) assert.ok(!("id" in frame), `docs/protocol.md:${example.line}: a push has no id`);
    }
  });

  it("lists every error code of the catalogue in its table, with the catalogue's meaning", () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES) as [ErrorCode, string][]) {
      const row = doc.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      assert.ok(row !== undefined, `docs/protocol.md has no row for ${code} in its error code table`);
      assert.ok(row.includes(`| ${meaning} |`), `docs/protocol.md: the row of ${code} must give the catalogue's meaning "${meaning}"`);
    }
  });

  it("mentions no error code that is not in the catalogue", () => {
    const mentioned = new Set(doc.match(/GW_ERR_[A-Z_]+/g) ?? []);
    const unknown = [...mentioned].filter((code) => !(code in ERROR_CODES));
    assert.deepEqual(unknown, [], `docs/protocol.md mentions codes that src/core/errors.ts does not define: ${unknown.join(", ")}`);
  });
});
