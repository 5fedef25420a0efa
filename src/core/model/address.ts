/**
 * Address: where a person or a room lives, on any network, in one protocol-neutral shape.
 *
 * URI form (documented in docs/architecture.md, "Addresses"):
 *   <protocol>://<account>/<id>   full form; account is the configured adapter instance (an IRC network name,
 *                                 an XMPP component or client account, "default" for the native adapter)
 *   <protocol>:<id>               short form, for account "default"
 *
 * The id is percent-encoded (UTF-8) except for the characters of ID_SAFE, so that `#`, `/`, `%`, spaces and
 * control bytes can never change how a URI parses: `irc://libera/%23chan` is channel `#chan` on `libera`.
 * format(parse(s)) returns the canonical form; parse(format(a)) returns a for every address.
 */
import { GatewayError } from "../errors.js";

export const PROTOCOLS = ["native", "xmpp", "irc"] as const;
export type ProtocolId = (typeof PROTOCOLS)[number];

export interface Address {
  readonly protocol: ProtocolId;
  /** The adapter instance: "default" for the native adapter, the network name for IRC, the account name for XMPP. */
  readonly account: string;
  /** The person or room on that network: a user name, a JID, a nick, a channel. Never empty. */
  readonly id: string;
}

export const DEFAULT_ACCOUNT = "default";

const ID_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@[\]|^{}`\\]/;
const ACCOUNT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_ID_LENGTH = 1024;

export function isProtocol(value: string): value is ProtocolId {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/** The whole id is ID_SAFE characters: by far the common case, and then the id is its own encoding. */
const ALL_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@[\]|^{}`\\]*$/;

function encodeId(id: string): string {
  if (ALL_SAFE.test(id)) return id;
  let out = "";
  for (const char of id) {
    if (ID_SAFE.test(char)) out += char;
    else for (const byte of Buffer.from(char, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function decodeId(encoded: string, uri: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${uri}" has a malformed percent-encoding in its id`);
  }
}

/** Builds an address, checking what every address must satisfy. */
export function makeAddress(protocol: ProtocolId, account: string, id: string): Address {
  if (!ACCOUNT_PATTERN.test(account)) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `account "${account}" must be 1-64 letters, digits, ".", "_" or "-"`);
  }
  if (id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `an address id must be 1-${MAX_ID_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", "an address id must not contain control characters");
  }
  // A lone surrogate cannot be encoded as UTF-8, so it could not survive the URI form.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(id)) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", "an address id must be well-formed Unicode");
  }
  return Object.freeze({ protocol, account, id });
}

/** Parses the URI form; throws GatewayError GW_ERR_BAD_ADDRESS with a reason on anything else. */
export function parseAddress(uri: string): Address {
  const colon = uri.indexOf(":");
  const protocol = colon > 0 ? uri.slice(0, colon) : "";
  if (!isProtocol(protocol)) {
    throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${uri}" does not start with a known protocol (${PROTOCOLS.join(", ")})`);
  }
  const rest = uri.slice(colon + 1);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    if (slash < 0) throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${uri}" has an account but no id`);
    return makeAddress(protocol, rest.slice(2, slash), decodeId(rest.slice(slash + 1), uri));
  }
  return makeAddress(protocol, DEFAULT_ACCOUNT, decodeId(rest, uri));
}

/** Formatted URIs of the (frozen, immutable) address objects seen: one message's addresses are keyed many times. */
const formatted = new WeakMap<Address, string>();

/** Formats the canonical URI form (short form for the default account). */
export function formatAddress(address: Address): string {
  const known = formatted.get(address);
  if (known !== undefined) return known;
  const id = encodeId(address.id);
  const uri = address.account === DEFAULT_ACCOUNT ? `${address.protocol}:${id}` : `${address.protocol}://${address.account}/${id}`;
  if (Object.isFrozen(address)) formatted.set(address, uri);
  return uri;
}

export function sameAddress(a: Address, b: Address): boolean {
  return a.protocol === b.protocol && a.account === b.account && a.id === b.id;
}

/** A stable string key for maps and store rows: the canonical URI. */
export const addressKey = formatAddress;
