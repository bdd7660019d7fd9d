// Administration from the command line: `npm run admin -- <command> …` (see `npm run admin -- help`).
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { loadConfig } from "../bot/platform/config.js";
import { communeByCode, ensureAdminUnits } from "../bot/shared/admin-units.js";
import { createInvitation } from "../bot/shared/invitations.js";
import { normalizePhone } from "../bot/shared/phone.js";
import { provinceByCode } from "../bot/shared/provinces.js";
import { grantRole, ROLES, type Role, revokeRole, type Scope } from "../bot/shared/roles.js";
import { findOrCreateUser } from "../bot/shared/users.js";
import { type Db, openDatabase } from "../db/client.js";
import { identities, roleGrants, users } from "../db/schema/index.js";

const HELP = `Usage: npm run admin -- <command> [options]

  grant <role> [scope] (--telegram <user id> | --phone <number>)   give a role
  revoke <role> [scope] (--telegram <user id> | --phone <number>)  take it back
  list                                                             every role held
  invite <role> [scope] [--label <text>] [--days <n>] [--bot <username>]
                                                                   a one-time invitation link

roles:  ${ROLES.join(", ")}
scope:  global (default) | checkpoint:<id> | group:<id> | commune:<code> | province:<code>`;

function parseScope(raw: string | undefined): Scope {
  if (!raw || raw === "global") return { type: "global" };
  const [type, id] = raw.split(":");
  if ((type === "checkpoint" || type === "group" || type === "commune" || type === "province") && id)
    return { type, id };
  throw new Error(`bad scope "${raw}"`);
}

/** What the invitee reads: the commune's or province's name, never its code. */
async function scopeName(db: Db, scope: Scope): Promise<string> {
  if (scope.type === "commune") {
    const commune = await communeByCode(db, scope.id);
    if (!commune) throw new Error(`no commune with code ${scope.id} in the official list`);
    return commune.name;
  }
  if (scope.type === "province") {
    const province = provinceByCode(scope.id);
    if (!province) throw new Error(`no province with code ${scope.id}`);
    return province.name;
  }
  return scope.type === "global" ? "" : `${scope.type}:${scope.id}`;
}

function parseRole(raw: string | undefined): Role {
  if (raw && (ROLES as readonly string[]).includes(raw)) return raw as Role;
  throw new Error(`unknown role "${raw ?? ""}"; one of ${ROLES.join(", ")}`);
}

async function findUser(db: Db, opts: { telegram?: string; phone?: string }): Promise<number> {
  if (opts.telegram) {
    return (
      await findOrCreateUser(db, { channel: "telegram", externalId: opts.telegram, chatId: opts.telegram })
    ).id;
  }
  const phone = opts.phone ? normalizePhone(opts.phone) : null;
  if (!phone) throw new Error("give --telegram <user id> or a valid --phone <number>");
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.phone, phone)).limit(1);
  if (!row) throw new Error(`nobody has registered ${phone} yet`);
  return row.id;
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      telegram: { type: "string" },
      phone: { type: "string" },
      label: { type: "string" },
      days: { type: "string", default: "7" },
      bot: { type: "string" },
    },
  });
  const [command, roleArg, scopeArg] = positionals;
  if (!command || command === "help") {
    console.log(HELP);
    return;
  }
  const config = loadConfig(process.env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    // Scopes and addresses need the communes, even before the bot has ever started on this database.
    await ensureAdminUnits(database.db, new Date());
    const db = database.db;
    if (command === "grant" || command === "revoke") {
      const role = parseRole(roleArg);
      const scope = parseScope(scopeArg);
      const userId = await findUser(db, values);
      if (command === "grant") await grantRole(db, { userId, role, scope });
      else await revokeRole(db, { userId, role, scope });
      console.log(
        `${command === "grant" ? "granted" : "revoked"} ${role} (${scopeArg ?? "global"}) for user ${userId}`,
      );
    } else if (command === "list") {
      const rows = await db
        .select({
          userId: roleGrants.userId,
          role: roleGrants.role,
          type: roleGrants.scopeType,
          id: roleGrants.scopeId,
          phone: users.phone,
          telegram: identities.externalId,
        })
        .from(roleGrants)
        .innerJoin(users, eq(users.id, roleGrants.userId))
        .leftJoin(identities, eq(identities.userId, users.id));
      for (const r of rows)
        console.log(
          `${r.userId}\t${r.role}\t${r.type}${r.id ? `:${r.id}` : ""}\t${r.phone ?? "-"}\t${r.telegram ?? "-"}`,
        );
    } else if (command === "invite") {
      const role = parseRole(roleArg);
      const scope = parseScope(scopeArg);
      const inv = await createInvitation(db, {
        kind: "role",
        payload: { role, scope, label: values.label ?? (await scopeName(db, scope)) },
        now: new Date(),
        ttlMs: Number(values.days) * 86_400_000,
        maxUses: 1,
      });
      console.log(values.bot ? `https://t.me/${values.bot}?start=${inv.payload}` : `/start ${inv.payload}`);
      console.log(`valid until ${inv.expiresAt.toISOString()}`);
    } else {
      throw new Error(`unknown command "${command}"\n\n${HELP}`);
    }
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
