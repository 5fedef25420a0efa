/**
 * Biboumi (the XMPP-to-IRC gateway bench/bridge.ts compares with) as the bench runs it: Debian's `biboumi`
 * (installed with apt-get when run as root and missing, as the test servers are), started as the external
 * component of the bench's Prosody on its component domain, with a config, SQLite database and log in a temp dir
 * (SERVERS.md: `identd_port=0`, or it binds port 113 on all interfaces). Per-user settings are made with its
 * XEP-0050 ad-hoc `configure` commands from the bench's own XMPP clients: on `<ircserver>@<domain>` the IRC port
 * (plaintext only) and the throttle (`throttle_limit` -1 lifts it), on `<domain>` history recording.
 *
 * Addresses (its user guide, "Addressing"): the room of channel #c on IRC server s is `#c%s@<domain>`.
 */
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureDebianPackage } from "../test/helpers/debian-package.js";
import type { Resources } from "./child-processes.js";
import { attribute, xmlEscape, type XmppWire } from "./xmpp-wire.js";

const NS_COMMANDS = "http://jabber.org/protocol/commands";
const NS_DATA = "jabber:x:data";
const READY_TIMEOUT_MS = 10_000;

export interface BiboumiOptions {
  /** The component domain it serves (Prosody's component, free while Switchboard is stopped). */
  readonly domain: string;
  readonly secret: string;
  readonly xmppHost: string;
  readonly componentPort: number;
}

export interface BiboumiProcess {
  readonly pid: number;
  readonly domain: string;
  /** The MUC JID of IRC channel `channel` (with its #) on IRC server `server`. */
  room(channel: string, server: string): string;
  stop(): Promise<void>;
}

export async function startBiboumi(resources: Resources, client: XmppWire, options: BiboumiOptions): Promise<BiboumiProcess> {
  await ensureDebianPackage("biboumi", "biboumi");
  const dir = resources.tempDir("switchboard-bench-biboumi-");
  const configPath = join(dir, "biboumi.cfg");
  writeFileSync(
    configPath,
    [
      `hostname=${options.domain}`,
      `password=${options.secret}`,
      `xmpp_server_ip=${options.xmppHost}`,
      `port=${options.componentPort}`,
      `admin=`,
      `db_name=${join(dir, "biboumi.sqlite")}`,
      `log_file=${join(dir, "biboumi.log")}`,
      "log_level=1",
      "identd_port=0",
      `policy_directory=${dir}`,
      "realname_customization=true",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = resources.spawnProgram("biboumi", [configPath], dir);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    resources.removeDir(dir);
  };
  try {
    await untilAnswered(client, options.domain, () => child.exitCode !== null);
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  return { pid: child.pid as number, domain: options.domain, room: (channel, server) => `${channel}%${server}@${options.domain}`, stop };
}

let nextId = 1;

/** Sends an iq and resolves with its answer (result or error). */
export function iq(client: XmppWire, to: string, type: "get" | "set", payload: string, timeoutMs = READY_TIMEOUT_MS): Promise<string> {
  const id = `bench-iq-${nextId++}`;
  const answer = client.next((stanza) => stanza.startsWith("<iq") && attribute(stanza, "id") === id, timeoutMs, `the answer to iq ${id}`);
  client.send(`<iq type='${type}' to='${xmlEscape(to)}' id='${id}'>${payload}</iq>`);
  return answer;
}

/** Pings the component (disco#info) until it answers: it is connected to Prosody. */
async function untilAnswered(client: XmppWire, domain: string, gone: () => boolean): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (gone()) throw new Error("biboumi exited at start-up");
    const answer = await iq(client, domain, "get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", 2000).catch(() => "");
    if (attribute(answer, "type") === "result") return;
    await sleep(100);
  }
  throw new Error(`biboumi did not answer on ${domain} within ${READY_TIMEOUT_MS} ms`);
}

/**
 * Runs ad-hoc command `configure` on `to` for `client`'s user: asks for the form, then submits it with `values`
 * (field var -> values; a field left out keeps what the form holds). Rejects when the command does not complete.
 */
export async function configure(client: XmppWire, to: string, values: Readonly<Record<string, readonly string[]>>): Promise<void> {
  const form = await iq(client, to, "set", `<command xmlns='${NS_COMMANDS}' node='configure' action='execute'/>`);
  const sessionId = /sessionid=['"]([^'"]+)['"]/.exec(form)?.[1];
  if (attribute(form, "type") !== "result" || sessionId === undefined) throw new Error(`configure on ${to}: no form: ${form}`);
  for (const name of Object.keys(values)) {
    if (!new RegExp(`var=['"]${name}['"]`).test(form)) throw new Error(`configure on ${to}: the form has no field ${name}: ${form}`);
  }
  const fields = Object.entries(values)
    .map(([name, list]) => `<field var='${name}'>${list.map((value) => `<value>${xmlEscape(value)}</value>`).join("")}</field>`)
    .join("");
  const done = await iq(client, to, "set", `<command xmlns='${NS_COMMANDS}' node='configure' sessionid='${sessionId}'><x xmlns='${NS_DATA}' type='submit'>${fields}</x></command>`);
  if (attribute(done, "type") !== "result" || !/status=['"]completed['"]/.test(done)) throw new Error(`configure on ${to}: not completed: ${done}`);
}
