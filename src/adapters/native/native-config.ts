/** The part of the configuration the native adapter reads (config/switchboard.schema.json, key `native`). */
export type { NativeConfig } from "../../config/config-types.js";
