/**
 * The puppets' identities on one network (puppet-identity.ts), made with the gateway's secret read at the first
 * puppet's connect, and the one log line an operator needs when the server refuses WEBIRC: every puppet's connect then
 * fails the same way (its message fails as for any refused connection), so the error is written once per network and
 * later ones only at debug level, rather than once per person and message.
 */
import { GatewayError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { Address } from "../../core/model/address.js";
import type { IrcWebircConfig } from "../../config/config-types.js";
import { puppetIdentity, type PuppetIdentity } from "./puppet-identity.js";

export class PuppetIdentities {
  private key: Promise<Buffer> | undefined;
  private refusalLogged = false;

  constructor(
    private readonly webirc: IrcWebircConfig,
    private readonly loadKey: () => Promise<Buffer>,
    private readonly log: Logger,
  ) {}

  async of(person: Address): Promise<PuppetIdentity> {
    this.key ??= this.loadKey();
    try {
      return puppetIdentity(await this.key, person, this.webirc);
    } catch (error: unknown) {
      // A store that failed once may answer next time: the secret is read again at the next connect.
      this.key = undefined;
      throw error;
    }
  }

  /** A puppet's connect failed with `error`: logged when it is the server refusing WEBIRC. */
  failed(error: unknown): void {
    if (!(error instanceof GatewayError) || error.condition !== "WEBIRC_REFUSED") return;
    if (this.refusalLogged) {
      this.log.debug({ err: error }, "WEBIRC refused again");
      return;
    }
    this.refusalLogged = true;
    this.log.error({ err: error }, "the IRC server refuses the gateway's WEBIRC: puppets cannot connect until irc.networks[].webirc and the server's WEBIRC block agree");
  }
}
