/**
 * XEP-0115 (Entity Capabilities) section 5.1: the verification string S of a disco#info result and its `ver`, the
 * SHA-1 of S in base64. A client that gets `ver` in a presence asks disco#info once for it, checks that the answer
 * hashes to it (section 5.4) and caches it for every JID that sends the same `ver`; a wrong hash makes it distrust
 * the answer, so S must be built exactly from what the answer carries:
 *
 *   1-3. identities sorted by category, then type, then xml:lang, each as category/type/lang/name followed by "<";
 *   4-5. features sorted, each followed by "<";
 *   6-7. XEP-0128 extended forms sorted by their FORM_TYPE value: FORM_TYPE followed by "<", then the other fields
 *        sorted by var, each var followed by "<" and its values sorted, each followed by "<";
 *   8-9. S as UTF-8, hashed, base64 (with padding, no whitespace).
 *
 * Every sort is "i;octet" (RFC 4790 section 9.3): a comparison of UTF-8 bytes, which differs from JavaScript's
 * UTF-16 order for characters beyond U+FFFF. Nothing is escaped: S holds the XML character data as parsed, so a
 * name with "<" or "&" keeps it as it is, and one with the text "&lt;" keeps those four characters (section 5.1's
 * note). Features are taken once each, as stanzas.ts discoInfo writes them. Pure.
 */
import { createHash } from "node:crypto";

export const NS_CAPS = "http://jabber.org/protocol/caps";

export interface CapsIdentity {
  readonly category: string;
  readonly type: string;
  readonly lang?: string;
  readonly name?: string;
}

/** A XEP-0128 form of the disco#info answer: its FORM_TYPE value and its other fields. */
export interface CapsForm {
  readonly formType: string;
  readonly fields: readonly { readonly var: string; readonly values: readonly string[] }[];
}

export interface CapsInfo {
  readonly identities: readonly CapsIdentity[];
  readonly features: readonly string[];
  readonly forms?: readonly CapsForm[];
}

function octetCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function identityCompare(a: CapsIdentity, b: CapsIdentity): number {
  // Category, type and xml:lang are unique together (XEP-0030); the name only keeps the order stable otherwise.
  return octetCompare(a.category, b.category) || octetCompare(a.type, b.type) || octetCompare(a.lang ?? "", b.lang ?? "") || octetCompare(a.name ?? "", b.name ?? "");
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort(octetCompare);
}

/** The verification string S of XEP-0115 section 5.1. */
export function verificationString(info: CapsInfo): string {
  let s = "";
  for (const identity of [...info.identities].sort(identityCompare)) {
    s += `${identity.category}/${identity.type}/${identity.lang ?? ""}/${identity.name ?? ""}<`;
  }
  for (const feature of sorted(new Set(info.features))) s += `${feature}<`;
  for (const form of [...(info.forms ?? [])].sort((a, b) => octetCompare(a.formType, b.formType))) {
    s += `${form.formType}<`;
    for (const field of [...form.fields].filter((entry) => entry.var !== "FORM_TYPE").sort((a, b) => octetCompare(a.var, b.var))) {
      s += `${field.var}<`;
      for (const value of sorted(field.values)) s += `${value}<`;
    }
  }
  return s;
}

/** The `ver` of a <c hash="sha-1"/>: base64 of the SHA-1 of S in UTF-8 (XEP-0115 section 5.1, steps 8 and 9). */
export function capsVer(info: CapsInfo): string {
  return createHash("sha1").update(verificationString(info), "utf8").digest("base64");
}
