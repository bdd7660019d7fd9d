import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { rawRows } from "../../db/raw.js";
import { chatReachability, identities, processedUpdates, sessions, users } from "../../db/schema/index.js";
import { isLang } from "./i18n.js";
import type { Channel, UserView } from "./types.js";

export interface ArrivalRequest {
  channel: Channel;
  externalUserId: string;
  chatId: string;
  updateId?: string;
  now: Date;
}

export type Arrival =
  | { duplicate: true }
  | {
      duplicate: false;
      /** The chat's session row, locked until the transaction ends; null when the chat has none yet. */
      session: { state: unknown; updatedAt: Date } | null;
      /** The account behind this channel id, when it is known and reached through this very chat. */
      user: UserView | null;
      /** The chat is listed as unreachable (it blocked the bot once): writing again clears that. */
      unreachable: boolean;
    };

/**
 * Everything an update needs first, in one statement (one round trip): the update id recorded (nothing else
 * happens for a duplicate), the chat's session locked and read, the account behind the channel id, and whether
 * the chat is listed as unreachable. The session is locked only after the update id is recorded — the lateral
 * join waits for the insert — so two deliveries of one update always take their locks in the same order.
 */
export async function arrive(tx: Tx, req: ArrivalRequest): Promise<Arrival> {
  const claim =
    req.updateId === undefined
      ? sql`c as (select 1 as claimed)`
      : sql`ins as (
          insert into ${processedUpdates} (channel, update_id, processed_at)
          values (${req.channel}, ${req.updateId}, ${req.now.toISOString()}::timestamptz)
          on conflict do nothing returning 1),
        c as materialized (select count(*)::int as claimed from ins)`;
  const [row] = await rawRows(
    tx,
    sql`with ${claim}
      select c.claimed, s.found, s.state, s.updated_ms, u.id as user_id, u.lang, u.phone, u.consent_version, i.chat_id,
        (c.claimed > 0 and exists (select 1 from ${chatReachability} r
          where r.channel = ${req.channel} and r.chat_id = ${req.chatId})) as unreachable
      from c
      left join lateral (
        select true as found, state, (extract(epoch from updated_at) * 1000)::float8 as updated_ms
        from ${sessions}
        where channel = ${req.channel} and chat_id = ${req.chatId} and c.claimed > 0
        for update
      ) s on true
      left join ${identities} i
        on c.claimed > 0 and i.channel = ${req.channel} and i.external_id = ${req.externalUserId}
      left join ${users} u on u.id = i.user_id`,
  );
  if (!row || Number(row.claimed) === 0) return { duplicate: true };
  const user =
    row.user_id !== null && row.user_id !== undefined && row.chat_id === req.chatId
      ? {
          id: Number(row.user_id),
          lang: isLang(row.lang) ? row.lang : null,
          phone: typeof row.phone === "string" ? row.phone : null,
          consentVersion:
            row.consent_version === null || row.consent_version === undefined
              ? null
              : Number(row.consent_version),
        }
      : null;
  return {
    duplicate: false,
    session: row.found ? { state: row.state ?? null, updatedAt: new Date(Number(row.updated_ms)) } : null,
    user,
    unreachable: row.unreachable === true,
  };
}
