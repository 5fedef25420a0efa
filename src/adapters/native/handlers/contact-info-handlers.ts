/**
 * contact.info: "who is this?" about anyone on any network (core/contact-info.ts), asked by the session's own user.
 * The answer is `info` with the fields the person's network gave (server-frames.ts contactInfoView).
 */
import type { Handler } from "../handler-environment.js";
import type { ContactInfoFrame } from "../client-frames.js";
import { personAddress } from "../native-addresses.js";
import { contactInfoView } from "../server-frames.js";
import { self } from "./contact-handlers.js";

export const contactInfo: Handler<ContactInfoFrame> = async (session, frame, env) => {
  const subject = personAddress(frame.address);
  return { address: frame.address, info: contactInfoView(await env.context.contactInfo(self(session), subject)) };
};
