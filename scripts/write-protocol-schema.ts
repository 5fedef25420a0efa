/**
 * Writes docs/protocol.schema.json, the published JSON Schema of every client frame of the native protocol,
 * from protocolSchemaDocument() in src/adapters/native/frame-schemas.ts (the one source of truth).
 * Run it with `npm run schema` after changing a frame schema; test/unit/native/protocol-docs.test.ts fails
 * while the file and the code disagree.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { protocolSchemaDocument } from "../src/adapters/native/frame-schemas.js";

/** Where the schema document is published. */
export const PROTOCOL_SCHEMA_PATH = fileURLToPath(new URL("../docs/protocol.schema.json", import.meta.url));

/** The exact text of docs/protocol.schema.json: pretty-printed with a 2-space indent and a trailing newline. */
export function renderProtocolSchema(): string {
  return `${JSON.stringify(protocolSchemaDocument(), null, 2)}\n`;
}

function main(): void {
  writeFileSync(PROTOCOL_SCHEMA_PATH, renderProtocolSchema());
  process.stdout.write(`wrote ${PROTOCOL_SCHEMA_PATH}\n`);
}

// Write only when run as a script, not when a test imports renderProtocolSchema().
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
