import { type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { compiled, ts } from "../../db/compiled.js";
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

const NAMES = ["channel", "updateId", "now", "chatId", "externalUserId"] as const;

function arrivalSql(p: Record<(typeof NAMES)[number], Placeholder>, claimed: boolean): SQL {
  const claim = claimed
    ? sql`ins as (
          insert into ${processedUpdates} (channel, update_id, processed_at)
          values (${p.channel}, ${p.updateId}, ${ts(p.now)})
          on conflict do nothing returning 1),
        c as materialized (select count(*)::int as claimed from ins)`
    : sql`c as (select 1 as claimed)`;
  return sql`with ${claim}
      select c.claimed, s.found, s.state, s.updated_ms, u.id as user_id, u.lang, u.phone, u.consent_version, i.chat_id,
        (c.claimed > 0 and exists (select 1 from ${chatReachability} r
          where r.channel = ${p.channel} and r.chat_id = ${p.chatId})) as unreachable
      from c
      left join lateral (
        select true as found, state, (extract(epoch from updated_at) * 1000)::float8 as updated_ms
        from ${sessions}
        where channel = ${p.channel} and chat_id = ${p.chatId} and c.claimed > 0
        for update
      ) s on true
      left join ${identities} i
        on c.claimed > 0 and i.channel = ${p.channel} and i.external_id = ${p.externalUserId}
      left join ${users} u on u.id = i.user_id`;
}

const ARRIVE = compiled(NAMES, (p) => arrivalSql(p, true));
/** Updates with no id of the channel's (the terminal): nothing to record. */
const ARRIVE_UNCLAIMED = compiled(NAMES, (p) => arrivalSql(p, false));

/**
 * Everything an update needs first, in one statement (one round trip): the update id recorded (nothing else
 * happens for a duplicate), the chat's session locked and read, the account behind the channel id, and whether
 * the chat is listed as unreachable. The session is locked only after the update id is recorded — the lateral
 * join waits for the insert — so two deliveries of one update always take their locks in the same order.
 */
export async function arrive(tx: Tx, req: ArrivalRequest): Promise<Arrival> {
  const statement = req.updateId === undefined ? ARRIVE_UNCLAIMED : ARRIVE;
  const [row] = await statement(tx, {
    channel: req.channel,
    updateId: req.updateId ?? null,
    now: req.now.toISOString(),
    chatId: req.chatId,
    externalUserId: req.externalUserId,
  });
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
