/**
 * Attachments checked at acceptance (core/model/attachments.ts): a native client's bad one refused with a coded
 * error, a network's dropped and logged with the message kept, a message of attachments alone given their URLs as
 * its body, one that loses them all refused; the text a network without attachments (IRC) is given, and the body of
 * one that carries them beside it (XMPP): both with the URLs the words lack.
 */
import assert from "node:assert/strict";
import { GatewayError } from "../../../src/core/errors.js";
import { acceptedAttachments, attachmentProblem, bodyWithAttachmentUrls, bodyWithMissingUrls, MAX_ATTACHMENTS, urlsMissingFrom } from "../../../src/core/model/attachments.js";
import type { MessageDraft } from "../../../src/core/model/message.js";
import type { ProtocolId } from "../../../src/core/model/address.js";

const IMAGE = "https://upload.example.org/abc/cat.jpg";

function draft(protocol: ProtocolId, fields: Partial<MessageDraft> = {}): MessageDraft {
  return {
    origin: { protocol, account: protocol === "native" ? "default" : "component" },
    scope: "direct",
    kind: "text",
    from: { protocol, account: "a", id: "alice" },
    to: { protocol: "native", account: "default", id: "bob" },
    senderName: "alice",
    body: "look",
    ...fields,
  };
}

function recorder(): { warn: (fields: object, text: string) => void; warnings: { fields: Record<string, unknown>; text: string }[] } {
  const warnings: { fields: Record<string, unknown>; text: string }[] = [];
  return { warnings, warn: (fields, text) => warnings.push({ fields: fields as Record<string, unknown>, text }) };
}

function refusal(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error: unknown) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail("expected a refusal");
}

describe("attachments", () => {
  describe("attachmentProblem", () => {
    it("takes http and https URLs, with or without a one-line description", () => {
      assert.equal(attachmentProblem({ url: IMAGE }), undefined);
      assert.equal(attachmentProblem({ url: "HTTP://example.org/a?b=c#d", description: "a cat, asleep" }), undefined);
      assert.equal(attachmentProblem({ url: `https://example.org/${"a".repeat(2048 - 20)}` }), undefined);
      assert.equal(attachmentProblem({ url: IMAGE, description: "ü".repeat(300) }), undefined);
    });

    it("refuses other schemes, hostless and malformed URLs", () => {
      for (const url of ["ftp://example.org/a", "javascript:alert(1)", "data:image/png;base64,AAAA", "https://", "http:///path", "example.org/a.jpg", "", "https://exa mple.org/"]) {
        assert.ok(attachmentProblem({ url }) !== undefined, url);
      }
    });

    it("refuses a URL with a space or a control character, or longer than 2,048 characters", () => {
      for (const url of [`${IMAGE} x`, `${IMAGE}\n`, `${IMAGE}\u0000`, `${IMAGE}\t`, `https://example.org/${"a".repeat(2048)}`]) {
        assert.ok(attachmentProblem({ url }) !== undefined, JSON.stringify(url));
      }
    });

    it("refuses a description of several lines, with control characters or longer than 300 characters", () => {
      for (const description of ["a\nb", "a\u0007", "x".repeat(301)]) assert.ok(attachmentProblem({ url: IMAGE, description }) !== undefined, description);
    });
  });

  describe("acceptedAttachments", () => {
    it("returns a draft without attachments as it is", () => {
      const plain = draft("native");
      assert.equal(acceptedAttachments(plain, recorder()), plain);
    });

    it("keeps good attachments, an empty description left out", () => {
      const accepted = acceptedAttachments(draft("native", { attachments: [{ url: IMAGE, description: "" }, { url: "http://example.org/b.pdf", description: "the plan" }] }), recorder());
      assert.deepEqual(accepted.attachments, [{ url: IMAGE }, { url: "http://example.org/b.pdf", description: "the plan" }]);
      assert.equal(accepted.body, "look");
    });

    it("gives a message of attachments alone their URLs as its body, a line each", () => {
      const accepted = acceptedAttachments(draft("native", { body: "", attachments: [{ url: IMAGE }, { url: "https://example.org/b.png" }] }), recorder());
      assert.equal(accepted.body, `${IMAGE}\nhttps://example.org/b.png`);
    });

    it("refuses a native client's bad attachment with GW_ERR_BAD_FRAME", () => {
      assert.equal(refusal(() => acceptedAttachments(draft("native", { attachments: [{ url: IMAGE }, { url: "ftp://example.org/a" }] }), recorder())).code, "GW_ERR_BAD_FRAME");
      const many = Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, index) => ({ url: `${IMAGE}?${index}` }));
      assert.match(refusal(() => acceptedAttachments(draft("native", { attachments: many }), recorder())).message, /at most 10 attachments/);
    });

    it("drops a network's bad attachments and logs why (never the URL), keeping the message", () => {
      const log = recorder();
      const accepted = acceptedAttachments(draft("xmpp", { attachments: [{ url: "javascript:alert(1)" }, { url: IMAGE }] }), log);
      assert.deepEqual(accepted.attachments, [{ url: IMAGE }]);
      assert.equal(log.warnings.length, 1);
      assert.equal(log.warnings[0]?.fields["dropped"], 1);
      assert.ok(!JSON.stringify(log.warnings).includes("javascript"));
    });

    it("keeps a network's first ten attachments", () => {
      const many = Array.from({ length: 12 }, (_, index) => ({ url: `${IMAGE}?${index}` }));
      const log = recorder();
      const accepted = acceptedAttachments(draft("xmpp", { attachments: many }), log);
      assert.deepEqual(accepted.attachments, many.slice(0, 10));
      assert.equal(log.warnings[0]?.fields["dropped"], 2);
    });

    it("leaves out the attachments field when none is good, and on a retraction", () => {
      const none = acceptedAttachments(draft("xmpp", { attachments: [{ url: "file:///etc/passwd" }] }), recorder());
      assert.ok(!("attachments" in none));
      assert.equal(none.body, "look");
      const retraction = acceptedAttachments(draft("native", { body: "", retracts: "m1", attachments: [{ url: IMAGE }] }), recorder());
      assert.ok(!("attachments" in retraction));
      assert.equal(retraction.body, "");
    });
  });

  describe("a network's message of attachments alone that loses them all", () => {
    it("is refused with GW_ERR_BAD_FRAME rather than relayed empty, telling why (never the URL)", () => {
      const refused = refusal(() => acceptedAttachments(draft("xmpp", { body: " ", attachments: [{ url: "javascript:alert(1)" }] }), recorder()));
      assert.equal(refused.code, "GW_ERR_BAD_FRAME");
      assert.match(refused.message, /needs words or an attachment/);
      assert.ok(!refused.message.includes("javascript"));
    });
  });

  describe("bodyWithMissingUrls (XMPP's body beside its out-of-band elements)", () => {
    it("adds each URL the words lack on a line of its own, once, in order", () => {
      const pdf = "https://example.org/b.pdf";
      assert.equal(bodyWithMissingUrls("look", [{ url: IMAGE }, { url: pdf }, { url: IMAGE }]), `look\n${IMAGE}\n${pdf}`);
      assert.equal(bodyWithMissingUrls(`see ${IMAGE}`, [{ url: IMAGE }, { url: pdf }]), `see ${IMAGE}\n${pdf}`);
    });

    it("leaves a body that is its one URL as it is (Conversations shows it inline only then), and one with no attachments", () => {
      assert.equal(bodyWithMissingUrls(IMAGE, [{ url: IMAGE }]), IMAGE);
      assert.equal(bodyWithMissingUrls(`${IMAGE}\nlook`, [{ url: IMAGE }]), `${IMAGE}\nlook`);
      assert.equal(bodyWithMissingUrls("look", undefined), "look");
    });

    it("makes an empty body the URLs, a line each", () => {
      assert.equal(bodyWithMissingUrls("", [{ url: IMAGE }, { url: "https://example.org/b.png" }]), `${IMAGE}\nhttps://example.org/b.png`);
    });

    it("decides which URLs are missing as IRC's text does", () => {
      assert.deepEqual(urlsMissingFrom(`look ${IMAGE}`, [{ url: IMAGE }, { url: "https://example.org/b.png" }, { url: "https://example.org/b.png" }]), ["https://example.org/b.png"]);
    });

    it("counts a URL as held only when the text holds it whole, not as the start of a longer one", () => {
      // The attachment's link is not in the body when the body holds only a longer URL that begins with it.
      assert.deepEqual(urlsMissingFrom(`${IMAGE}.bak and ${IMAGE}x`, [{ url: IMAGE }]), [IMAGE]);
      assert.equal(bodyWithMissingUrls(`${IMAGE}?v=2`, [{ url: IMAGE }]), `${IMAGE}?v=2\n${IMAGE}`);
      // Held whole: at the end, before a space, a closing bracket or quote, or punctuation that ends the sentence.
      assert.deepEqual(urlsMissingFrom(`${IMAGE}..bak`, [{ url: IMAGE }]), [IMAGE]);
      for (const text of [IMAGE, `see ${IMAGE} now`, `(${IMAGE})`, `<${IMAGE}>`, `"${IMAGE}"`, `see ${IMAGE}.`, `${IMAGE}, ok`, `${IMAGE}!\nyes`]) {
        assert.deepEqual(urlsMissingFrom(text, [{ url: IMAGE }]), [], text);
      }
    });
  });

  describe("bodyWithAttachmentUrls", () => {
    it("adds each URL the body lacks on a line of its own, once", () => {
      assert.equal(bodyWithAttachmentUrls("look", [{ url: IMAGE }, { url: IMAGE }]), `look\n${IMAGE}`);
    });

    it("leaves a body that holds the URLs already, or that has no attachments", () => {
      assert.equal(bodyWithAttachmentUrls(IMAGE, [{ url: IMAGE }]), IMAGE);
      assert.equal(bodyWithAttachmentUrls(`see ${IMAGE} now`, [{ url: IMAGE, description: "cat" }]), `see ${IMAGE} now`);
      assert.equal(bodyWithAttachmentUrls("look", undefined), "look");
    });
  });
});
