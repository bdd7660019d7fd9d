// Every table, one file per feature. drizzle-kit reads this file (drizzle.config.ts).

export * from "./admin-units.js";
export * from "./audit.js";
export * from "./checkpoints.js";
export * from "./core.js";
export * from "./declarations.js";
export * from "./monitoring.js";
export * from "./outbox.js";
export * from "./risk.js";
export * from "./roles.js";
export * from "./safety.js";
export * from "./tracing.js";
export * from "./zalo.js";
