/**
 * The usual set-up of an end-to-end suite: one daemon for the suite, and logged-in native users that are
 * closed with it. Call inside a `describe`.
 */
import { Daemon } from "./daemon.js";
import { NativeClient } from "./native-client.js";

export const PASSWORD = "correct horse battery";

export interface GatewayFixture {
  readonly daemon: () => Daemon;
  /** Registers (unless told otherwise) and logs in a user; the session is closed after the suite. */
  user(name: string, options?: { readonly register?: boolean }): Promise<NativeClient>;
}

export function useGateway(extraYaml = ""): GatewayFixture {
  let daemon: Daemon | undefined;
  const clients: NativeClient[] = [];
  before(async function () {
    daemon = Daemon.create(extraYaml);
    await daemon.start();
  });
  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await daemon?.dispose();
  });
  const current = (): Daemon => {
    if (!daemon) throw new Error("the daemon is not started yet");
    return daemon;
  };
  return {
    daemon: current,
    async user(name, options = {}) {
      const client = await NativeClient.session(current().url, name, PASSWORD, { register: options.register ?? true });
      clients.push(client);
      return client;
    },
  };
}
