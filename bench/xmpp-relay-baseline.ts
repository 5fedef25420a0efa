/**
 * The relay baseline of bench/xmpp.ts: the least a gateway between native clients and XMPP can do with the same
 * traffic, run as its own process like the daemon. It is an XEP-0114 component of Prosody and a WebSocket server:
 *   - "hello" and "login" are acknowledged (login records the connection under the user name, no password check);
 *   - "message.send" to "xmpp:<bare JID>" becomes <message from='<user>@<component>' to='<bare JID>' type='chat'>
 *     on the component stream, and is acknowledged;
 *   - a <message> with a body from Prosody to "<user>@<component>" becomes {"type":"message","message":{...}} on
 *     that user's connection.
 * No validation, no store, no queue, no XML parser (bench/xmpp-wire.ts StanzaSplitter): the floor a gateway is
 * compared against.
 *
 * Usage: xmpp-relay-baseline.ts <host> <component port> <component domain> <secret>. Prints
 * {"msg":"relay started","port":N} once the component is online and the WebSocket server listens; exits on
 * SIGTERM, SIGINT or when standard input closes (the benchmark that started it went away).
 */
import { createHash } from "node:crypto";
import { connect } from "node:net";
import type { RawData, WebSocket } from "ws";
import { answer, exitWithBench, listenForClients, parseFrame } from "./relay-server.js";
import { attribute, bodyOf, StanzaSplitter, xmlEscape } from "./xmpp-wire.js";

const [host = "", portText = "", domain = "", secret = ""] = process.argv.slice(2);
if (host === "" || portText === "" || domain === "") throw new Error("usage: xmpp-relay-baseline.ts <host> <port> <domain> <secret>");

const connections = new Map<string, WebSocket>();
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.includes("&") ? text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? "") : text;
}

const component = connect({ host, port: Number(portText) });
component.setNoDelay(true);
component.setEncoding("utf8");
let online = false;
const splitter = new StanzaSplitter((stanza) => {
  if (!online) {
    if (stanza.startsWith("<stream:stream")) {
      const id = attribute(stanza, "id") ?? "";
      component.write(`<handshake>${createHash("sha1").update(id + secret).digest("hex")}</handshake>`);
    } else if (stanza.startsWith("<handshake")) {
      online = true;
      startWebSocket();
    } else {
      process.stderr.write(`component refused: ${stanza}\n`);
      process.exit(1);
    }
    return;
  }
  if (!stanza.startsWith("<message")) return;
  const to = attribute(stanza, "to") ?? "";
  const target = connections.get(to.slice(0, to.indexOf("@")));
  const body = bodyOf(stanza);
  if (!target || body === undefined) return;
  const from = (attribute(stanza, "from") ?? "").split("/")[0] ?? "";
  target.send(`{"type":"message","message":{"from":${JSON.stringify(`xmpp:${unescapeXml(from)}`)},"body":${JSON.stringify(unescapeXml(body))}}}`);
});
component.on("data", (chunk: string) => splitter.feed(chunk));
component.on("error", (error) => {
  process.stderr.write(`component connection: ${error.message}\n`);
  process.exit(1);
});
component.on("close", () => process.exit(online ? 0 : 1));
component.write(`<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='${xmlEscape(domain)}'>`);

function relay(socket: WebSocket, user: { name: string }, data: RawData): void {
  const frame = parseFrame(data);
  if (!frame) return answer(socket, undefined, "error");
  if (frame.type === "message.send") {
    if (typeof frame.to !== "string" || !frame.to.startsWith("xmpp:") || typeof frame.body !== "string" || user.name === "") return answer(socket, frame.id, "error");
    const id = typeof frame.id === "string" ? ` id='${xmlEscape(frame.id)}'` : "";
    component.write(`<message from='${xmlEscape(user.name)}@${xmlEscape(domain)}' to='${xmlEscape(frame.to.slice(5))}' type='chat'${id}><body>${xmlEscape(frame.body)}</body></message>`);
    return answer(socket, frame.id, "ok");
  }
  if (frame.type === "login" && typeof frame.user === "string") {
    const name = frame.user.toLowerCase();
    user.name = name;
    connections.set(name, socket);
    socket.once("close", () => {
      if (connections.get(name) === socket) connections.delete(name);
    });
  }
  answer(socket, frame.id, "ok");
}

function startWebSocket(): void {
  listenForClients((socket) => {
    const user = { name: "" };
    socket.on("message", (data) => relay(socket, user, data));
  });
}

exitWithBench();
