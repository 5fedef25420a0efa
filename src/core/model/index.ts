export * from "./address.js";
export * from "./presence.js";
export * from "./message.js";
export * from "./contact.js";
export * from "./room.js";
export * from "./identity.js";
