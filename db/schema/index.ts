// Every table, one file per feature. drizzle-kit reads this file (drizzle.config.ts).
export * from "./core.js";
