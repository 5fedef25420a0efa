/** The adapter contract, defined in the core (which drives adapters through it) and re-exported for adapters. */
export * from "../core/adapter.js";
