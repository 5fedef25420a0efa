export { openSqliteStore, type OpenSqliteStoreOptions } from "./open-sqlite-store.js";
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./migrations.js";
export { openSqliteAccounts, type SqliteAccounts } from "./open-sqlite-accounts.js";
