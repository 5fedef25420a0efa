/**
 * The network configuration of an IRC server on demand (irc.servers_on_demand): an `irc.networks[]` entry named after
 * the host, with the block's port, TLS, nick, puppets, open_channels_for and webirc, every channel open on demand, and every
 * other key at its default. The defaults are the schema's own (config/switchboard.schema.json, filled in by ajv as
 * for the file's networks), so that a server on demand behaves as a configured network with the same keys would.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { GatewayError } from "../core/errors.js";
import type { IrcNetworkConfig, IrcServersOnDemandConfig } from "./config-types.js";
import { configSchema } from "./load-config.js";

let validate: ValidateFunction | undefined;

function networkValidator(): ValidateFunction {
  const entry = configSchema().properties?.["irc"]?.properties?.["networks"]?.items;
  if (entry === undefined) throw new Error("the configuration schema has no irc.networks entry");
  validate ??= new Ajv({ allErrors: true, useDefaults: true, strict: true }).compile(entry);
  return validate;
}

export function onDemandNetworkConfig(block: IrcServersOnDemandConfig, host: string, port: number): IrcNetworkConfig {
  const entry = {
    name: host,
    host,
    port,
    tls: { enabled: block.tls.enabled, verify: block.tls.verify, ca_file: block.tls.ca_file },
    nick: block.nick,
    puppets: { ...block.puppets },
    open_channels: true,
    open_channels_for: [...block.open_channels_for],
    open_channels_max: block.open_channels_max,
    webirc: { ...block.webirc },
  };
  const check = networkValidator();
  // The block is checked already; a host that is no network name (too long) is refused before it gets here.
  if (!check(entry)) throw new GatewayError("GW_ERR_CONFIG", `the IRC server ${host} cannot be a network: ${check.errors?.map((error) => `${error.instancePath} ${error.message ?? ""}`).join(", ") ?? ""}`);
  return Object.freeze(entry as unknown as IrcNetworkConfig);
}
