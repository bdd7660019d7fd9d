import { end, text } from "../../core/replies.js";
import type { Flow, LoadEnv, StepContext } from "../../core/types.js";
import { formatPhone } from "../../shared/phone.js";
import type {} from "./effects.js";
import { collectMyData, type MyData } from "./my-data.js";
import { formatLocal } from "./time.js";

const load = (env: LoadEnv) => collectMyData(env.tx, env.user.id);

/** One paragraph per thing held: the phone, each person with their declarations, drafts. */
function held(d: MyData, ctx: StepContext): string[] {
  const t = ctx.t;
  const lines: string[] = [];
  lines.push(
    d.phone
      ? t("declaration:mydata.phone", { phone: formatPhone(d.phone) })
      : t("declaration:mydata.noPhone"),
  );
  if (d.people.length === 0) lines.push(t("declaration:mydata.noPeople"));
  for (const p of d.people) {
    const who = p.person.kind === "self" ? t("declaration:mydata.self") : t("declaration:mydata.dependent");
    const latest = p.latest
      ? t("declaration:mydata.latest", {
          at: formatLocal(p.latest.declaredAt, ctx.timeZone),
          status: t(`declaration:status.${p.latest.status}`),
        })
      : t("declaration:mydata.neverDeclared");
    const id = p.person.idNumberMasked
      ? t("declaration:mydata.idNumber", { id: p.person.idNumberMasked })
      : "";
    lines.push(
      [
        `• ${p.person.fullName} (${who}${p.person.birthYear ? `, ${p.person.birthYear}` : ""})`,
        id,
        t("declaration:mydata.declarations", { count: p.declarations }),
        latest,
      ]
        .filter(Boolean)
        .join("\n  "),
    );
  }
  if (d.drafts > 0) lines.push(t("declaration:mydata.drafts", { count: d.drafts }));
  return lines;
}

const describe = (d: MyData, ctx: StepContext) =>
  [ctx.t("declaration:mydata.title"), ...held(d, ctx), ctx.t("declaration:mydata.howToDelete")].join("\n\n");

/** /mydata: what the bot holds about this account and its dependents. */
export function createMyDataFlow(): Flow<MyData> {
  return {
    name: "mydata",
    commands: ["mydata"],
    load,
    start: (ctx) => end([text(describe(ctx.loaded, ctx))]),
    step: (_s, _i, ctx) => end([text(ctx.t("common:staleButton"))]),
    prompt: () => [],
  };
}

const holdsAnything = (d: MyData) => Boolean(d.phone) || d.people.length > 0 || d.drafts > 0;

/** /delete: says what will be erased, asks once, erases (the effect says what went). */
export function createDeleteFlow(): Flow<MyData> {
  const question = (ctx: StepContext<MyData>) =>
    text([...held(ctx.loaded, ctx), ctx.t("declaration:mydata.confirmDelete")].join("\n\n"), {
      options: [
        [{ id: "delete:yes", label: ctx.t("declaration:mydata.buttons.yes") }],
        [{ id: "delete:no", label: ctx.t("declaration:mydata.buttons.no") }],
      ],
    });
  return {
    name: "delete",
    commands: ["delete"],
    load,
    start(ctx) {
      if (!holdsAnything(ctx.loaded)) return end([text(ctx.t("declaration:mydata.nothingToDelete"))]);
      return { state: { flow: "delete", step: "confirm", data: {} }, replies: [question(ctx)] };
    },
    step(state, input, ctx) {
      if (input.kind === "option" && input.data === "delete:yes")
        return end([text(ctx.t("declaration:mydata.deleting"), { edit: true })], {
          effects: [{ type: "declaration.erase" }],
        });
      if (input.kind === "option" && input.data === "delete:no")
        return end([text(ctx.t("declaration:mydata.kept"), { edit: true })]);
      return { state, replies: [text(ctx.t("declaration:errors.useButtons")), question(ctx)] };
    },
    prompt: (_s, ctx) => [question(ctx)],
  };
}
