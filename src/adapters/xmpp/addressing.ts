/**
 * The mapping between core Addresses and JIDs on the gateway's component domain D, modelled on
 * Biboumi's (https://doc.biboumi.louiz.org, "Addressing"):
 *
 *   native:alice             (native, default, "alice")   <->  alice@D
 *   native:#lobby            (native, default, "#lobby")  <->  #lobby@D
 *   irc://libera/bob         (irc, libera, "bob")         <->  bob%libera@D
 *   irc://libera/#dev        (irc, libera, "#dev")        <->  #dev%libera@D
 *
 * The id is escaped with XEP-0106 (jid-escape.ts), so `[m]x\y|z^` on libera is `[m]x\y|z^%libera@D`
 * and `a\20b` is `a\5c20b%libera@D`. A localpart with a "%" is an IRC address: the network is what
 * follows the LAST "%" (network names are Address accounts, letters digits . _ -, never "%"), so an
 * IRC channel whose name holds a "%" (`#100%`, legal in RFC 2812) still maps both ways. A native id
 * with a "%" is refused, because its JID would read as an IRC address.
 *
 * Case. RFC 7622 casemaps localparts, and servers such as Prosody fold the address of a stanza before
 * delivering it, so `Bob%libera@D` usually reaches the gateway as `bob%libera@D`:
 *   - native ids are lower case by construction (native names are case-insensitive), so a JID's
 *     localpart is folded to lower case for native addresses, and native ids are folded on the way out;
 *   - IRC nicks and channels keep their case both ways; IRC compares them case-insensitively itself,
 *     so a folded nick still reaches its person. An IRC network name (the adapter account) must be
 *     lower case to be reachable from XMPP, since a server folds it in the JID.
 * Only the canonical escaped form of a localpart is accepted (jid-escape.ts isCanonicalLocal), so that
 * each address has exactly one JID and each JID on D exactly one address.
 *
 * XMPP people are addressed by their bare JID: xmpp://<account>/<bare JID>, folded to lower case in
 * localpart and domain (RFC 7622 sections 3.2 and 3.3, approximated by NFC and toLowerCase), with the
 * resource dropped.
 *
 * JIDs are parsed here rather than with @xmpp/jid, which accepts empty parts, whitespace and raw
 * disallowed characters, and folds localparts to lower case whatever they address.
 */
import { GatewayError } from "../../core/errors.js";
import { DEFAULT_ACCOUNT, makeAddress, type Address } from "../../core/model/address.js";
import { memoizeStrings } from "../../util/string-memo.js";
import { escapeLocal, isCanonicalLocal, unescapeLocal, validateEscapedLocal } from "./jid-escape.js";

/** A JID split into its parts as they appear on the wire (the localpart still escaped). */
export interface Jid {
  readonly local?: string;
  readonly domain: string;
  readonly resource?: string;
}

/** The maximum size of each part of a JID, in bytes of UTF-8 (RFC 7622 section 3.1). */
export const MAX_JID_PART_BYTES = 1023;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DOMAIN_FORBIDDEN = /[\s"&'<>@\\]/u;
const IRC_NETWORK = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function bad(message: string): GatewayError {
  return new GatewayError("GW_ERR_BAD_ADDRESS", message);
}

function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function checkDomain(domain: string, jid: string): void {
  if (domain.length === 0) throw bad(`"${jid}" has an empty domain`);
  if (bytes(domain) > MAX_JID_PART_BYTES) throw bad(`"${jid}" has a domain longer than ${MAX_JID_PART_BYTES} bytes`);
  if (DOMAIN_FORBIDDEN.test(domain) || CONTROL.test(domain)) throw bad(`"${jid}" has a domain with a space, control or disallowed character`);
  const literal = domain.startsWith("[") && domain.endsWith("]");
  if (!literal && domain.includes(":")) throw bad(`"${jid}" has a ":" in its domain outside an IPv6 literal`);
  if (!literal && domain.split(".").some((label) => label.length === 0)) throw bad(`"${jid}" has an empty label in its domain`);
}

/**
 * Parses a JID (RFC 7622 section 3.1): the resource is everything after the first "/", the localpart
 * everything before the first "@" of the rest. Throws GW_ERR_BAD_ADDRESS on an empty or over-long part,
 * whitespace or a control character outside the resource, or a localpart that is not validly escaped.
 * A final "." of the domain is removed (section 3.2). Nothing is case-folded.
 */
export function parseJid(text: string): Jid {
  const slash = text.indexOf("/");
  const bare = slash < 0 ? text : text.slice(0, slash);
  const resource = slash < 0 ? undefined : text.slice(slash + 1);
  const at = bare.indexOf("@");
  const local = at < 0 ? undefined : bare.slice(0, at);
  let domain = at < 0 ? bare : bare.slice(at + 1);
  if (domain.endsWith(".")) domain = domain.slice(0, -1);
  checkDomain(domain, text);
  if (local !== undefined) {
    try {
      validateEscapedLocal(local);
    } catch (error: unknown) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `"${text}" is not a valid JID: ${(error as Error).message}`, { cause: error });
    }
  }
  if (resource !== undefined) {
    if (resource.length === 0) throw bad(`"${text}" has an empty resource after "/"`);
    if (bytes(resource) > MAX_JID_PART_BYTES) throw bad(`"${text}" has a resource longer than ${MAX_JID_PART_BYTES} bytes`);
    if (CONTROL.test(resource)) throw bad(`"${text}" has a control character in its resource`);
  }
  return {
    ...(local === undefined ? {} : { local }),
    domain,
    ...(resource === undefined ? {} : { resource }),
  };
}

/** parseJid, remembered: the JIDs of every stanza are checked, and they are the same few again and again. */
export const checkedJid = memoizeStrings((text: string): Jid => parseJid(text));

export function formatJid(jid: Jid): string {
  const bare = jid.local === undefined ? jid.domain : `${jid.local}@${jid.domain}`;
  return jid.resource === undefined ? bare : `${bare}/${jid.resource}`;
}

/** The bare form of a JID, its parts as given (no folding); throws GW_ERR_BAD_ADDRESS. */
export function bareJid(text: string): string {
  const { local, domain } = parseJid(text);
  return formatJid(local === undefined ? { domain } : { local, domain });
}

/** The bare part of a JID as written (no checks): everything before the first "/". */
export function withoutResource(jid: string): string {
  const slash = jid.indexOf("/");
  return slash < 0 ? jid : jid.slice(0, slash);
}

/** The resource of a JID as written (no checks); "" when there is none. */
export function resourceOf(jid: string): string {
  const slash = jid.indexOf("/");
  return slash < 0 ? "" : jid.slice(slash + 1);
}

function fold(part: string): string {
  return part.normalize("NFC").toLowerCase();
}

/** Checks and folds the gateway domain given by configuration. */
const gatewayDomain = memoizeStrings((domain: string): string => {
  const jid = parseJid(domain);
  if (jid.local !== undefined || jid.resource !== undefined) throw bad(`the gateway domain "${domain}" must be a bare domain`);
  return fold(jid.domain);
});

/**
 * Whether a JID's domain is the gateway's, as jidToAddress compares them, without parsing or throwing: asked of every
 * direct message's recipient (is it a room?), where an XMPP user's JID of another domain made jidToAddress build and
 * throw an error, stack trace and all, each time: a tenth of the daemon's CPU per native -> XMPP message.
 */
export function onGatewayDomain(jid: string, domain: string): boolean {
  const bare = withoutResource(jid);
  let host = bare.slice(bare.indexOf("@") + 1);
  if (host.endsWith(".")) host = host.slice(0, -1);
  return fold(host) === gatewayDomain(domain);
}

/** The JID of an address that lives behind the gateway (native or IRC); throws GW_ERR_BAD_ADDRESS for others. */
export function addressToJid(address: Address, domain: string): string {
  // Addresses are frozen values, the same objects message after message (a session's user, a puppet's person).
  const known = gatewayJids.get(address);
  if (known?.domain === domain) return known.jid;
  const jid = computeGatewayJid(address, domain);
  if (Object.isFrozen(address)) gatewayJids.set(address, { domain, jid });
  return jid;
}

const gatewayJids = new WeakMap<Address, { readonly domain: string; readonly jid: string }>();

function computeGatewayJid(address: Address, domain: string): string {
  const host = gatewayDomain(domain);
  switch (address.protocol) {
    case "native": {
      if (address.account !== DEFAULT_ACCOUNT) throw bad(`native address account "${address.account}" is not "${DEFAULT_ACCOUNT}"`);
      if (address.id.includes("%")) throw bad(`native id "${address.id}" contains "%", which would read as an IRC address`);
      return `${escapeLocal(address.id.toLowerCase())}@${host}`;
    }
    case "irc": {
      if (!IRC_NETWORK.test(address.account)) throw bad(`IRC network "${address.account}" cannot appear in a JID`);
      const local = `${escapeLocal(address.id)}%${address.account}`;
      if (bytes(local) > MAX_JID_PART_BYTES) throw bad(`"${address.id}" on ${address.account} makes a localpart longer than ${MAX_JID_PART_BYTES} bytes`);
      return `${local}@${host}`;
    }
    case "xmpp":
      throw bad(`an XMPP address (${address.id}) has no JID on the gateway domain; it is its own JID (addressToXmppJid)`);
  }
}

function decodeName(escaped: string, jid: string): string {
  if (!isCanonicalLocal(escaped)) {
    let hint = "";
    try {
      hint = `; write it as ${escapeLocal(unescapeLocal(escaped))}`;
    } catch {
      // no canonical form to suggest
    }
    throw bad(`"${jid}" does not use the canonical XEP-0106 escaping in its localpart${hint}`);
  }
  return unescapeLocal(escaped);
}

/**
 * The address a JID on the gateway domain stands for. The resource is ignored.
 * Throws GW_ERR_BAD_ADDRESS for a malformed JID or localpart (including a non-canonical escaping),
 * GW_ERR_UNKNOWN_RECIPIENT for a JID on another domain or for the bare gateway domain.
 */
export function jidToAddress(jid: string, domain: string): Address {
  return gatewayAddresses(jid, domain);
}

// Pure functions of their text, asked for every stanza: remembered (util/string-memo.ts).
const gatewayAddresses = memoizeStrings((jid: string, domain: string): Address => {
  const host = gatewayDomain(domain);
  const parsed = parseJid(jid);
  if (fold(parsed.domain) !== host) {
    throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `"${jid}" is not on the gateway domain ${host}`);
  }
  if (parsed.local === undefined) {
    throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `"${jid}" is the gateway itself, not a person or a room`);
  }
  const percent = parsed.local.lastIndexOf("%");
  if (percent < 0) return makeAddress("native", DEFAULT_ACCOUNT, decodeName(parsed.local, jid).toLowerCase());
  const escapedId = parsed.local.slice(0, percent);
  const network = parsed.local.slice(percent + 1);
  if (escapedId.length === 0) throw bad(`"${jid}" has no nick or channel before "%${network}"`);
  if (!IRC_NETWORK.test(network)) throw bad(`"${jid}" names IRC network "${network}", which is not 1-64 letters, digits, ".", "_" or "-"`);
  return makeAddress("irc", network, decodeName(escapedId, jid));
});

/**
 * The native user or IRC nick that an XMPP address of the gateway's own domain stands for (`bob@<domain>` is
 * native:bob, as seen by her linked account when he writes to its JID); undefined for any other address.
 */
export function gatewayPersonOf(address: Address, domain: string): Address | undefined {
  if (address.protocol !== "xmpp") return undefined;
  try {
    return jidToAddress(address.id, domain);
  } catch {
    return undefined;
  }
}

/** The address of an XMPP person: their bare JID, folded to lower case, on XMPP adapter account `account`. */
export function xmppUserAddress(jid: string, account: string): Address {
  return xmppUserAddresses(jid, account);
}

const xmppUserAddresses = memoizeStrings((jid: string, account: string): Address => {
  const { local, domain } = parseJid(jid);
  const bare = local === undefined ? fold(domain) : `${fold(local)}@${fold(domain)}`;
  return makeAddress("xmpp", account, bare);
});

/** The bare JID of an xmpp address; throws GW_ERR_BAD_ADDRESS for other protocols or an id that is not a bare JID. */
export function addressToXmppJid(address: Address): string {
  if (address.protocol !== "xmpp") throw bad(`a ${address.protocol} address is not an XMPP JID`);
  return bareXmppJids(address.id);
}

const bareXmppJids = memoizeStrings((id: string): string => {
  const jid = parseJid(id);
  if (jid.resource !== undefined) throw bad(`xmpp address id "${id}" must be a bare JID, without a resource`);
  return formatJid(jid);
});

/**
 * Who a JID is to a linked account whose bare JID is `ownBareJid` (folded): `own` for the account itself (any of
 * its resources), a `contact` (the bare JID's address on adapter account `account`), or `none` for a JID that is no
 * person (a server) or is malformed.
 */
export function accountPeer(jid: string, account: string, ownBareJid: string): { readonly kind: "own" } | { readonly kind: "contact"; readonly address: Address } | { readonly kind: "none" } {
  try {
    const address = xmppUserAddress(withoutResource(jid), account);
    if (address.id === ownBareJid) return { kind: "own" };
    return address.id.includes("@") ? { kind: "contact", address } : { kind: "none" };
  } catch {
    return { kind: "none" };
  }
}

/**
 * The address through a linked account (adapter account `account`, bare JID `ownBareJid`, folded) of the person that
 * an address of the component names (`xmpp:juliet@example.org`: adapter account "default"), the owner's own identity
 * on XMPP; undefined for any other address, a JID of the gateway's own domain (`gatewayDomain`: its people are the
 * gateway's, reached without the account), the account itself, or what is no person.
 */
export function accountRoute(address: Address, account: string, ownBareJid: string, gatewayDomainName: string | undefined): Address | undefined {
  if (address.protocol !== "xmpp" || address.account !== DEFAULT_ACCOUNT || address.id.includes("/")) return undefined;
  const peer = accountPeer(address.id, account, ownBareJid);
  if (peer.kind !== "contact") return undefined;
  const domain = peer.address.id.slice(peer.address.id.indexOf("@") + 1);
  return gatewayDomainName !== undefined && domain === gatewayDomain(gatewayDomainName) ? undefined : peer.address;
}

/**
 * The network a directory JID names: `%libera@D` is IRC network libera's (its disco#items are its channels,
 * channel-directory.ts), as Biboumi's `irc.example.org@biboumi.example.org` is a server's; undefined for any other
 * JID. The network part is what a channel's JID has after its "%", so a server on demand is `%irc.example.org@D`.
 */
export function networkOfJid(jid: string, domain: string): string | undefined {
  const at = jid.indexOf("@");
  if (!jid.startsWith("%") || at < 0 || jid.includes("/")) return undefined;
  const network = jid.slice(1, at);
  return IRC_NETWORK.test(network) && fold(jid.slice(at + 1)) === gatewayDomain(domain) ? network : undefined;
}

/** The directory JID of an IRC network (networkOfJid). */
export function networkJid(network: string, domain: string): string {
  return `%${network}@${domain}`;
}
