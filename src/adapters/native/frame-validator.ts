/**
 * Turns one raw WebSocket text frame into a validated ClientFrame, or a coded problem to answer with.
 * Pure apart from the compiled validators; the order of checks decides the error code a client sees:
 * too large -> not UTF-8 -> not JSON -> not an object with a string type -> unknown type -> schema.
 */
import AjvModule from "ajv";
import type { ErrorObject } from "ajv";
import type { ErrorCode } from "../../core/errors.js";
import type { ClientFrame, ClientFrameType } from "./client-frames.js";
import { CLIENT_FRAME_SCHEMAS } from "./frame-schemas.js";

// ajv is CommonJS with a default export; under NodeNext the class sits on .default.
const Ajv = AjvModule.default;

export type FrameResult =
  | { readonly ok: true; readonly frame: ClientFrame }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly requestId?: string };

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
const validators = new Map(Object.entries(CLIENT_FRAME_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));
const utf8 = new TextDecoder("utf-8", { fatal: true });

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return "does not match its schema";
  return errors
    .map((error) => {
      const at = error.instancePath ? error.instancePath.slice(1).replace(/\//g, ".") : "frame";
      if (error.keyword === "additionalProperties") return `${at}: unknown field "${String(error.params["additionalProperty"])}"`;
      if (error.keyword === "required") return `${at}: missing field "${String(error.params["missingProperty"])}"`;
      if (error.keyword === "enum") return `${at}: must be one of ${(error.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
      return `${at}: ${error.message ?? "is invalid"}`;
    })
    .join("; ");
}

export function validateFrame(data: Buffer | string, maxBytes: number): FrameResult {
  const size = typeof data === "string" ? Buffer.byteLength(data) : data.length;
  if (size > maxBytes) return { ok: false, code: "GW_ERR_FRAME_TOO_LARGE", message: `frame of ${size} bytes is larger than the limit of ${maxBytes}` };
  let text: string;
  try {
    text = typeof data === "string" ? data : utf8.decode(data);
  } catch {
    return { ok: false, code: "GW_ERR_BAD_FRAME", message: "frame is not valid UTF-8" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    return { ok: false, code: "GW_ERR_BAD_FRAME", message: `frame is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, code: "GW_ERR_BAD_FRAME", message: "frame must be a JSON object" };
  }
  const record = parsed as Record<string, unknown>;
  const requestId = typeof record["id"] === "string" && record["id"].length <= 64 ? { requestId: record["id"] } : {};
  const type = record["type"];
  if (typeof type !== "string") return { ok: false, code: "GW_ERR_BAD_FRAME", message: 'frame needs a string field "type"', ...requestId };
  const validate = validators.get(type);
  if (!validate) return { ok: false, code: "GW_ERR_UNKNOWN_TYPE", message: `unknown frame type "${type.slice(0, 64)}"`, ...requestId };
  if (!validate(record)) return { ok: false, code: "GW_ERR_BAD_FRAME", message: `${type}: ${describe(validate.errors)}`, ...requestId };
  // Only a JSON escape can make a lone surrogate (the bytes are checked UTF-8): no XMPP or IRC peer could take it.
  if (SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(record)) {
    return { ok: false, code: "GW_ERR_BAD_FRAME", message: `${type}: a string holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape), which is no Unicode text`, ...requestId };
  }
  return { ok: true, frame: record as unknown as ClientFrame };
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate);
  if (typeof value === "object" && value !== null) return Object.entries(value).some(([key, entry]) => LONE_SURROGATE.test(key) || holdsLoneSurrogate(entry));
  return false;
}

export function isFrameType(type: string): type is ClientFrameType {
  return validators.has(type);
}
