import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import {
  chatReachability,
  identities,
  invitations,
  invitationUses,
  outbox,
  roleGrants,
  sessions,
  users,
} from "../../../db/schema/index.js";
import { queueRoleMenu } from "../../shared/role-menu.js";
import { checkpointsCreatedBy, eraseVisits } from "../checkpoint/index.js";
import { type DeclarationsErased, eraseMyData } from "../declaration/index.js";
import { eraseMonitoring, type MonitoringErased } from "../monitoring/index.js";
import { eraseTraceAppearances, type TracingErased } from "../tracing/index.js";
import { collectPersonalData } from "./collect.js";

/** What /delete removed, counted from the rows it deleted, and what it kept. */
export interface ErasureSummary {
  declarations: DeclarationsErased;
  visits: number;
  monitoring: MonitoringErased;
  tracing: TracingErased;
  roles: number;
  invitations: number;
  messages: number;
  consent: boolean;
  /** Checkpoints the person registered: they are places, not people, and stay for their visitors. */
  checkpointsKept: number;
}

/**
 * Erases everything held about an account and its dependents, in the caller's transaction: visits, trace
 * appearances and monitoring records first (they find the person by ids and phone), then roles,
 * invitations used, queued messages, other chats' conversation state, then the declarations, drafts,
 * dependents, the person record and the account's phone, name and consent. Kept: the account row with its
 * language and channel identities (the chat still reaches the bot; audit rows still point to it, now an
 * erased subject), the audit log, and the monitoring records of a period still running.
 */
export async function eraseEverything(
  db: DbOrTx,
  userId: number,
  now: Date,
  timeZone: string,
): Promise<ErasureSummary> {
  const held = await collectPersonalData(db, userId);
  const owner = held.owner;
  const visits = await eraseVisits(db, owner);
  const tracing = await eraseTraceAppearances(db, owner);
  const monitoring = await eraseMonitoring(db, owner, now, timeZone);
  const roles = await db
    .delete(roleGrants)
    .where(eq(roleGrants.userId, userId))
    .returning({ id: roleGrants.id });
  // Their chat's menu goes back to a resident's.
  if (roles.length > 0) await queueRoleMenu(db, userId);
  const used = await db
    .delete(invitationUses)
    .where(eq(invitationUses.userId, userId))
    .returning({ id: invitationUses.invitationId });
  await db.update(invitations).set({ createdBy: null }).where(eq(invitations.createdBy, userId));
  const chats = await db
    .select({ channel: identities.channel, chatId: identities.chatId })
    .from(identities)
    .where(eq(identities.userId, userId));
  let messages = 0;
  for (const c of chats) {
    const where = (t: typeof outbox | typeof chatReachability | typeof sessions) =>
      and(eq(t.channel, c.channel), eq(t.chatId, c.chatId));
    // Reminders, notices and alerts queued or sent to this chat quote names and places.
    messages += (await db.delete(outbox).where(where(outbox)).returning({ id: outbox.id })).length;
    await db.delete(chatReachability).where(where(chatReachability));
    await db.delete(sessions).where(where(sessions));
  }
  const declarations = await eraseMyData(db, userId);
  await db
    .update(users)
    .set({ consentVersion: null, consentedAt: null, erasedAt: now })
    .where(eq(users.id, userId));
  const checkpointsKept = await checkpointsCreatedBy(db, userId);
  return {
    declarations,
    visits,
    monitoring,
    tracing,
    roles: roles.length,
    invitations: used.length,
    messages,
    consent: held.consent !== null,
    checkpointsKept,
  };
}
