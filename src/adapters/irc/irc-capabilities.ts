/**
 * What an IRC network's adapter can do (AdapterCapabilities), but for what its mode decides: direct messages and
 * puppets (irc-adapter.ts sets them from `mode`).
 */
export const IRC_CAPABILITIES = {
  rooms: true,
  presence: true,
  subscriptions: true,
  typing: false,
  actions: true,
  notices: true,
  corrections: false,
  relaysRooms: true,
  puppets: true,
} as const;
