/**
 * Component mode's delivery barriers (stanza-confirmer.ts): a barrier is a XEP-0199 ping from the component's
 * domain to itself, which the server routes back over the same stream. Only the component itself can send from
 * its domain: an iq from there with a barrier's id is one of ours back (the ping itself, as Prosody routes it; or an
 * answer, from a server that answers it for the domain instead).
 */
import type { Element } from "ltx";
import type { Logger } from "../../core/logger.js";
import { barrierPing, StanzaConfirmer, type StanzaConfirmerOptions } from "./stanza-confirmer.js";

export class DomainPingConfirmer extends StanzaConfirmer {
  constructor(
    private readonly domain: string,
    write: (element: Element) => Promise<void>,
    log: Logger,
    options: StanzaConfirmerOptions,
  ) {
    super(
      (id) =>
        void write(barrierPing(id, domain, domain)).catch((error: unknown) =>
          log.debug({ err: error }, "delivery barrier not written: the connection's loss fails what it would have confirmed"),
        ),
      options,
    );
  }

  /** True when `iq` is one of our barriers back (then handled here, and nowhere else). */
  cameBack(iq: Element): boolean {
    const { id, from } = iq.attrs as Record<string, string | undefined>;
    return id !== undefined && from?.toLowerCase() === this.domain.toLowerCase() && this.answered(id);
  }
}
