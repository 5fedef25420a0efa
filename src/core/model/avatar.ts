/**
 * A person's avatar (the picture XMPP clients show beside a contact, XEP-0153/XEP-0054 PHOTO): its MIME type and
 * bytes, named by the SHA-1 of the bytes in hex, as XEP-0153 names it in presence. Pure: the checks a picture passes
 * before it is kept or shown, so that a client is never handed a "PNG" that is something else.
 */
import { createHash } from "node:crypto";
import { GatewayError } from "../errors.js";

/** The picture types taken: those every XMPP client and browser shows. */
export const AVATAR_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export type AvatarType = (typeof AVATAR_TYPES)[number];

/**
 * The largest picture kept, decoded: 64 KiB, what XEP-0153 advises and what fits, base64-encoded (about 87 KiB), in
 * a native frame (native.max_frame_bytes, 320 KiB by default) and in a vCard stanza servers take.
 */
export const MAX_AVATAR_BYTES = 64 * 1024;

/** What contacts are told of an avatar: its type and hash (the bytes are asked for apart, by avatar.get or a vCard). */
export interface AvatarRef {
  readonly type: AvatarType;
  /** SHA-1 of the bytes, lower-case hex (XEP-0153 <photo/>). */
  readonly hash: string;
}

/** What the gateway heard of another network's person's avatar (core/heard-avatars.ts): its SHA-1, and its type where it was said. */
export interface HeardAvatar {
  readonly hash: string;
  readonly type?: AvatarType;
}

export interface Avatar extends AvatarRef {
  readonly data: Buffer;
}

/** The first bytes of each type (PNG's signature, JPEG's SOI marker, GIF87a/GIF89a, RIFF....WEBP). */
function startsAs(type: AvatarType, data: Buffer): boolean {
  const at = (offset: number, text: string): boolean => data.subarray(offset, offset + text.length).equals(Buffer.from(text, "latin1"));
  switch (type) {
    case "image/png":
      return at(0, "\x89PNG\r\n\x1a\n");
    case "image/jpeg":
      return at(0, "\xff\xd8\xff");
    case "image/gif":
      return at(0, "GIF87a") || at(0, "GIF89a");
    case "image/webp":
      return at(0, "RIFF") && at(8, "WEBP");
  }
}

export function isAvatarType(type: string): type is AvatarType {
  return (AVATAR_TYPES as readonly string[]).includes(type);
}

export function avatarHash(data: Buffer): string {
  return createHash("sha1").update(data).digest("hex");
}

/**
 * The avatar of `data` (base64) as `type`, or GW_ERR_BAD_FRAME saying what is wrong: a type not taken, text that is
 * not base64, nothing, more than MAX_AVATAR_BYTES, or bytes that are not a picture of that type.
 */
export function checkedAvatar(type: string, data: string): Avatar {
  const bad = (why: string): GatewayError => new GatewayError("GW_ERR_BAD_FRAME", `avatar refused: ${why}`);
  if (!isAvatarType(type)) throw bad(`type must be one of ${AVATAR_TYPES.join(", ")}`);
  const compact = data.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw bad("data is not base64");
  const bytes = Buffer.from(compact, "base64");
  if (bytes.length === 0) throw bad("data is empty");
  if (bytes.length > MAX_AVATAR_BYTES) throw bad(`${bytes.length} bytes, more than ${MAX_AVATAR_BYTES}`);
  return checkedAvatarBytes(type, bytes, bad);
}

/** The avatar of `bytes` as `type`, or the error `bad` makes (a picture read from another network: its adapter's code). */
export function checkedAvatarBytes(type: string, bytes: Buffer, bad: (why: string) => Error): Avatar {
  if (!isAvatarType(type)) throw bad(`type ${type} is not one of ${AVATAR_TYPES.join(", ")}`);
  if (bytes.length === 0 || bytes.length > MAX_AVATAR_BYTES) throw bad(`${bytes.length} bytes (at most ${MAX_AVATAR_BYTES})`);
  if (!startsAs(type, bytes)) throw bad(`the data is not a ${type.slice("image/".length).toUpperCase()} picture`);
  return { type, data: bytes, hash: avatarHash(bytes) };
}

/** What contacts are told of `avatar`. */
export function avatarRef(avatar: AvatarRef): AvatarRef {
  return { type: avatar.type, hash: avatar.hash };
}
