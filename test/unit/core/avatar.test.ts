/** Avatars: the type and the picture's first bytes must agree, within the size limit, before one is kept. */
import assert from "node:assert/strict";
import { avatarHash, checkedAvatar, MAX_AVATAR_BYTES } from "../../../src/core/model/avatar.js";

const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(16)]);
const JPEG = Buffer.concat([Buffer.from("ffd8ffe000104a464946", "hex"), Buffer.alloc(16)]);
const GIF = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.alloc(16)]);
const WEBP = Buffer.concat([Buffer.from("RIFF", "latin1"), Buffer.from([16, 0, 0, 0]), Buffer.from("WEBPVP8 ", "latin1"), Buffer.alloc(8)]);

function refusal(type: string, data: string): string {
  try {
    checkedAvatar(type, data);
  } catch (error: unknown) {
    assert.equal((error as { code?: unknown }).code, "GW_ERR_BAD_FRAME");
    return (error as Error).message;
  }
  assert.fail("the avatar was taken");
}

describe("checkedAvatar", () => {
  it("takes a picture of each type whose bytes start as that type says, named by the SHA-1 of its bytes", () => {
    for (const [type, bytes] of [["image/png", PNG], ["image/jpeg", JPEG], ["image/gif", GIF], ["image/webp", WEBP]] as const) {
      const avatar = checkedAvatar(type, bytes.toString("base64"));
      assert.equal(avatar.type, type);
      assert.deepEqual(avatar.data, bytes);
      assert.equal(avatar.hash, avatarHash(bytes));
      assert.match(avatar.hash, /^[0-9a-f]{40}$/);
    }
  });

  it("refuses bytes of another type than the one named", () => {
    assert.match(refusal("image/png", JPEG.toString("base64")), /not a PNG picture/);
    assert.match(refusal("image/jpeg", PNG.toString("base64")), /not a JPEG picture/);
    assert.match(refusal("image/gif", Buffer.from("GIF90a0000").toString("base64")), /not a GIF picture/);
    assert.match(refusal("image/webp", Buffer.from("RIFF0000WAVEfmt ").toString("base64")), /not a WEBP picture/);
  });

  it("refuses a type it does not take, text that is not base64, nothing, and more than 64 KiB", () => {
    assert.match(refusal("image/svg+xml", PNG.toString("base64")), /type must be one of/);
    assert.match(refusal("image/png", "not base64!"), /not base64/);
    assert.match(refusal("image/png", ""), /empty/);
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_AVATAR_BYTES)]);
    assert.match(refusal("image/png", big.toString("base64")), /more than 65536/);
  });

  it("takes exactly 64 KiB", () => {
    const most = Buffer.concat([PNG, Buffer.alloc(MAX_AVATAR_BYTES - PNG.length)]);
    assert.equal(checkedAvatar("image/png", most.toString("base64")).data.length, MAX_AVATAR_BYTES);
  });
});
