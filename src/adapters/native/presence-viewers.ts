/**
 * Who sees a native user's presence, and with it her avatar and what `contact.info` tells of her: those her probes
 * answer (AdapterContext.probe: a subscription she approved, her linked person's rights), never someone she blocked.
 * A probe answers a blocked viewer too (with her offline, so that his subscription is not cancelled: core/blocklist.ts),
 * so the block is asked apart.
 */
import type { AdapterContext } from "../../core/adapter.js";
import type { Blocklist } from "../../core/blocklist.js";
import type { Address } from "../../core/model/address.js";
import type { Presence } from "../../core/model/presence.js";

/** `subject`'s presence as `viewer` may see it, or undefined when he may not see it (nor her avatar). */
export async function presenceSeenBy(context: Pick<AdapterContext, "probe">, blocklist: Pick<Blocklist, "blocks">, subject: Address, viewer: Address): Promise<Presence | undefined> {
  if (blocklist.blocks(subject, viewer)) return undefined;
  return context.probe(subject, viewer);
}
