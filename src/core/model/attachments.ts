/**
 * Attachments: links to files and images a message carries beside its body, as XMPP clients send an HTTP upload
 * (XEP-0363) as a URL in the body plus a XEP-0066 `jabber:x:oob` element. The gateway hosts no files: an attachment is
 * a URL (http or https only) with an optional one-line description.
 *
 * Checked once, when the gateway accepts a message (Router.submit): a native client's bad attachment is refused with a
 * coded error (its client can fix it); a network's is dropped and logged and the message kept (the sender there cannot
 * be told, and the words still count; a network's message of attachments alone that loses them all is refused, as it
 * would say nothing). A message of attachments alone (an empty body) gets their URLs as its body, one
 * a line: IRC and every plain-text client need text to show, and Conversations shows an image inline only when the body
 * is its URL.
 */
import { GatewayError } from "../errors.js";
import type { MessageDraft } from "./message.js";
import { hasUnsafeCharacters } from "./text.js";

export interface Attachment {
  /** An http or https URL, at most MAX_ATTACHMENT_URL_LENGTH characters, without spaces or control characters. */
  readonly url: string;
  /** One line, at most MAX_ATTACHMENT_DESCRIPTION_LENGTH characters (XEP-0066 `<desc/>`). */
  readonly description?: string;
}

export const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_URL_LENGTH = 2048;
export const MAX_ATTACHMENT_DESCRIPTION_LENGTH = 300;

/** Why an attachment cannot be carried; undefined when it can. */
export function attachmentProblem(attachment: { readonly url: unknown; readonly description?: unknown }): string | undefined {
  const { url, description } = attachment;
  if (typeof url !== "string" || url.length === 0) return "an attachment needs a url";
  if (url.length > MAX_ATTACHMENT_URL_LENGTH) return `an attachment's url is at most ${MAX_ATTACHMENT_URL_LENGTH} characters`;
  // Spaces too: a URL with one would end at it in every plain-text client (and in IRC's line).
  if (/\s/u.test(url) || hasUnsafeCharacters(url)) return "an attachment's url has no spaces or control characters";
  // A host right after the "//": the WHATWG parser would read "http:///path" as the host "path".
  if (!/^https?:\/\/[^/?#]/iu.test(url) || !URL.canParse(url) || new URL(url).hostname === "") return "an attachment's url is an http or https URL with a host";
  if (description === undefined) return undefined;
  if (typeof description !== "string") return "an attachment's description is text";
  if ([...description].length > MAX_ATTACHMENT_DESCRIPTION_LENGTH) return `an attachment's description is at most ${MAX_ATTACHMENT_DESCRIPTION_LENGTH} characters`;
  if (hasUnsafeCharacters(description)) return "an attachment's description is one line without control characters";
  return undefined;
}

/** Where dropped attachments are told (the router's logger). */
export interface DropLog {
  warn(fields: object, message: string): void;
}

/** The attachment as kept: an empty description is none. */
function kept(attachment: Attachment): Attachment {
  return attachment.description === undefined || attachment.description === "" ? { url: attachment.url } : { url: attachment.url, description: attachment.description };
}

/**
 * The draft as the gateway accepts it (see the header): its attachments checked (refused with GW_ERR_BAD_FRAME from a
 * native client, the bad ones dropped and logged from a network), none kept on a retraction, and a body of their URLs
 * when it had none. A draft without attachments is returned as it is.
 */
export function acceptedAttachments(draft: MessageDraft, log: DropLog): MessageDraft {
  const { attachments, ...rest } = draft;
  if (attachments === undefined) return draft;
  // A retraction says nothing of its own (its body is a fallback): nothing to attach either.
  if (draft.retracts !== undefined || attachments.length === 0) return rest;
  const fromClient = draft.origin.protocol === "native";
  if (fromClient && attachments.length > MAX_ATTACHMENTS) throw new GatewayError("GW_ERR_BAD_FRAME", `a message has at most ${MAX_ATTACHMENTS} attachments`);
  const good: Attachment[] = [];
  const problems: string[] = [];
  for (const attachment of attachments) {
    const problem = attachmentProblem(attachment);
    if (problem !== undefined && fromClient) throw new GatewayError("GW_ERR_BAD_FRAME", problem);
    if (problem !== undefined) problems.push(problem);
    else if (good.length < MAX_ATTACHMENTS) good.push(kept(attachment));
    else problems.push(`a message has at most ${MAX_ATTACHMENTS} attachments`);
  }
  // Who and why, never the URLs: the log tells an operator what happened, not what was said.
  if (problems.length > 0) log.warn({ from: `${draft.from.protocol}:${draft.from.id}`, origin: draft.origin.protocol, dropped: problems.length, problems: [...new Set(problems)] }, "attachments dropped");
  const wordless = draft.body.trim() === "";
  // A network's message of attachments alone, all dropped, says nothing: refused (its sender is told, where the
  // network can tell) rather than relayed empty.
  if (good.length === 0 && wordless) throw new GatewayError("GW_ERR_BAD_FRAME", `a message needs words or an attachment the gateway can carry (${problems[0] ?? "none"})`);
  if (good.length === 0) return rest;
  const body = wordless ? good.map((attachment) => attachment.url).join("\n") : draft.body;
  return { ...rest, body, attachments: good };
}

/**
 * The text of a message for a network that carries no attachments (IRC): its words, then the attachments' URLs on a
 * line of their own, separated by spaces. Why one line: such a network caps the lines a message becomes (IRC's
 * max_lines_per_message, 5 by default) and would cut links said a line each (ten attachments, or a caption and a few);
 * the IRC adapter packs a long line of URLs into lines breaking only between URLs, so each link still arrives whole. A body line that is only an
 * attachment's URL (the body a message of attachments alone is given) joins them there; a URL the words hold is not
 * said again.
 */
export function bodyWithAttachmentUrls(body: string, attachments: readonly Attachment[] | undefined): string {
  return joinedText(wordsAndUrlLine(body, attachments));
}

/** The words and the line of URLs (wordsAndUrlLine) as one text, the URLs last; either may be "". */
export function joinedText({ words, urls }: { readonly words: string; readonly urls: string }): string {
  return [...(words === "" ? [] : [words]), ...(urls === "" ? [] : [urls])].join("\n");
}

/**
 * bodyWithAttachmentUrls in its two parts: the words ("" when none are left) and the line of URLs ("" when none is
 * missing), so that a network capping the lines of a message can cut the words and still send every URL.
 */
export function wordsAndUrlLine(body: string, attachments: readonly Attachment[] | undefined): { words: string; urls: string } {
  if (attachments === undefined) return { words: body, urls: "" };
  const urls = [...new Set(attachments.map((attachment) => attachment.url))];
  const words = body
    .split(/\r\n|\r|\n/u)
    .filter((line) => !urls.includes(line.trim()))
    .join("\n");
  return { words: words.trim() === "" ? "" : words, urls: urlsMissingFrom(words, attachments).join(" ") };
}

/**
 * The text of a message for a network whose messages carry attachments beside their body (XMPP, XEP-0066): its words,
 * then each URL the words lack on a line of its own. Clients that know no out-of-band data, and bridges that read the
 * body only, see no link otherwise. A body that holds every URL (a picture's upload, whose body is its URL: the only
 * case Conversations shows inline) is left as it is; an empty one becomes the URLs, one a line.
 */
export function bodyWithMissingUrls(body: string, attachments: readonly Attachment[] | undefined): string {
  if (attachments === undefined) return body;
  return [...(body === "" ? [] : [body]), ...urlsMissingFrom(body, attachments)].join("\n");
}

/** The attachments' URLs, each once and in order, that `text` does not hold: the rule of IRC's and XMPP's text alike. */
export function urlsMissingFrom(text: string, attachments: readonly Attachment[]): string[] {
  return [...new Set(attachments.map((attachment) => attachment.url))].filter((url) => !holdsWhole(text, url));
}

// What may follow a URL the text holds whole: the end, a space, a closing bracket or quote, or punctuation ending the
// sentence (before a space or the end). Anything else continues a longer URL ("a.png.bak", "a.png?v=2").
const URL_END = /(?:$|[\s<>"'()[\]{}]|[.,;:!?]+(?:\s|$))/uy;

/** Whether `text` holds `url` whole somewhere, not merely as the start of a longer URL that a reader would follow. */
function holdsWhole(text: string, url: string): boolean {
  for (let at = text.indexOf(url); at >= 0; at = text.indexOf(url, at + 1)) {
    URL_END.lastIndex = at + url.length;
    if (URL_END.test(text)) return true;
  }
  return false;
}
