/**
 * Client-mode connections keep the guarded stream parser after @xmpp/client-core picks its transport, so a
 * server that sends restricted XML closes the login with an error instead of crashing the gateway. The
 * "server" here is a socket that writes one hostile stream header: a bad-input check of the parser guard,
 * not a protocol test (those run against Prosody).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { openClientConnection } from "../../../src/adapters/xmpp/client-connection.js";
import { closeQuietly, startConnection } from "../../../src/adapters/xmpp/connection-lifecycle.js";

const STREAM_HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' version='1.0'>";

async function hostileServer(reply: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.once("data", () => socket.write(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, port: address.port };
}

async function loginAgainst(reply: string): Promise<Error> {
  const { server, port } = await hostileServer(reply);
  const connection = openClientConnection({ service: `xmpp://127.0.0.1:${port}`, jid: "user@localhost", password: "secret", resource: "test" });
  try {
    await startConnection(connection, 5000);
    throw new Error("the login succeeded against a hostile server");
  } catch (error: unknown) {
    return error as Error;
  } finally {
    await closeQuietly(connection);
    server.close();
  }
}

describe("a client-mode XMPP connection", () => {
  it("fails the login, without an uncaught exception, when the server sends an unknown entity", async () => {
    const error = await loginAgainst(`${STREAM_HEADER}<stream:features>&lol;</stream:features>`);
    assert.match(error.message, /restricted XML refused/);
  });

  it("fails the login when the server sends a document type declaration", async () => {
    const error = await loginAgainst(`<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a "b">]>${STREAM_HEADER.slice(21)}`);
    assert.match(error.message, /restricted XML refused/);
  });
});
