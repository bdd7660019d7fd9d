import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { users } from "../../../db/schema/index.js";
import { type Grant, grantsOf } from "../../shared/roles.js";
import { type HeldVisit, visitsHeldFor } from "../checkpoint/index.js";
import { collectMyData, type Declaration, declarationsOf, type MyData } from "../declaration/index.js";
import { type HeldMembership, membershipsHeldFor } from "../monitoring/index.js";
import { type TraceAppearance, traceAppearancesOf } from "../tracing/index.js";

/** Who a person is across the features' tables: the account, its people, the phone visits were filed under. */
export interface Owner {
  userId: number;
  personIds: number[];
  phone: string | null;
  visitorKeys: string[];
}

export interface PersonalData {
  owner: Owner;
  account: MyData;
  consent: { version: number; at: Date } | null;
  declarations: Declaration[];
  visits: HeldVisit[];
  memberships: HeldMembership[];
  traces: TraceAppearance[];
  roles: Grant[];
}

export function ownerOf(userId: number, account: MyData): Owner {
  const personIds = account.people.map((p) => p.person.id);
  const visitorKeys = [`u:${userId}`, ...personIds.map((id) => `p:${id}`)];
  if (account.phone) visitorKeys.push(`w:${account.phone}`);
  return { userId, personIds, phone: account.phone, visitorKeys };
}

/** Everything the bot holds about this account and its dependents, read from every feature. */
export async function collectPersonalData(db: DbOrTx, userId: number): Promise<PersonalData> {
  const account = await collectMyData(db, userId);
  const owner = ownerOf(userId, account);
  const [row] = await db
    .select({ version: users.consentVersion, at: users.consentedAt })
    .from(users)
    .where(eq(users.id, userId));
  return {
    owner,
    account,
    consent: row?.version != null && row.at ? { version: row.version, at: row.at } : null,
    declarations: await declarationsOf(db, owner.personIds),
    visits: await visitsHeldFor(db, owner),
    memberships: await membershipsHeldFor(db, owner),
    traces: await traceAppearancesOf(db, owner),
    roles: await grantsOf(db, userId),
  };
}

export const holdsAnything = (d: PersonalData) =>
  Boolean(d.account.phone) ||
  d.account.people.length > 0 ||
  d.account.drafts > 0 ||
  d.visits.length > 0 ||
  d.memberships.length > 0 ||
  d.traces.length > 0 ||
  d.roles.length > 0;
