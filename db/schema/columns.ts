import { date, timestamp } from "drizzle-orm/pg-core";

/** A moment, always with its time zone (stored in UTC). */
export const at = (name: string) => timestamp(name, { withTimezone: true });

/** A local calendar day (Asia/Ho_Chi_Minh by default), read as "YYYY-MM-DD". */
export const day = (name: string) => date(name, { mode: "string" });

export const createdAt = () => at("created_at").notNull().defaultNow();
