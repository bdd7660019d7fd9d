import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { migrationsFolder } from "../../db/client.js";

const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice: () => {} });
await admin.unsafe("drop database if exists part_mig with (force)");
await admin.unsafe("create database part_mig");
const c = postgres("postgres://postgres@127.0.0.1:5432/part_mig", { max: 1, onnotice: () => {} });
await migrate(drizzle(c), { migrationsFolder: "/tmp/partx/mig5" });
if (process.argv[2] !== "empty") {
  await c.unsafe(
    `insert into checkpoints (id, code, short_code, name, address, kind, stay_minutes) values (1, 'c', 's', 'n', 'a', 'shop', 240)`,
  );
  await c.unsafe(`insert into visits (checkpoint_id, visitor_key, method, checked_in_at, auto_checkout_at, checked_out_at, ended_how)
    select 1, 'u:' || g, 'link', now() - g * interval '1 hour', now() - g * interval '1 hour' + interval '4 hours',
      case when g > 3 then now() - g * interval '1 hour' + interval '30 minutes' end, case when g > 3 then 'manual' end
    from generate_series(1, 1000) g`);
}
const t0 = performance.now();
await migrate(drizzle(c), { migrationsFolder });
console.log("migrated in", Math.round(performance.now() - t0), "ms");
console.log(
  await c.unsafe(
    `select c.relname, pg_get_expr(c.relpartbound, c.oid) as bound, (select count(*) from visits v where v.tableoid = c.oid) as n from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'visits'::regclass`,
  ),
);
console.log(await c.unsafe(`select count(*) from open_visits`));
console.log(
  await c.unsafe(
    `insert into visits (checkpoint_id, visitor_key, method, checked_in_at, auto_checkout_at) values (1, 'x', 'link', now(), now()) returning id, tableoid::regclass as part`,
  ),
);
console.log(
  await c
    .unsafe(`select indexrelid::regclass as idx from pg_index where indrelid = 'visits_legacy'::regclass`)
    .catch((e) => String(e)),
);
await c.end();
await admin.end();
