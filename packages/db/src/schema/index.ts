export * from "./users";
export * from "./formations";
export * from "./integrations";
export * from "./agenda-events";
export * from "./audit-log";
export * from "./sync-runs";
export * from "./sync-conflicts";
export * from "./access";
