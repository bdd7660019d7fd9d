import { end, text } from "../../core/replies.js";
import type { Flow, LoadEnv, StepContext } from "../../core/types.js";
import { collectPersonalData, holdsAnything, type PersonalData } from "./collect.js";
import type {} from "./effects.js";
import { DELETE_FLOW, deleteOptions } from "./options.js";
import { heldParagraphs, personalFiles } from "./summary.js";

const load = (env: LoadEnv) => collectPersonalData(env.tx, env.user.id);
const held = (ctx: StepContext<PersonalData>) => ctx.loaded;

/**
 * /mydata: everything held about the account and its dependents, as text and as files to download: JSON
 * and a CSV of visits, or on Zalo (which carries PDF, DOC, DOCX and CSV files only) one readable PDF of it
 * all and the same CSV. The PDF is drawn by an effect: rendering is not a pure step.
 */
export function createMyDataFlow(): Flow<PersonalData> {
  return {
    name: "mydata",
    commands: ["mydata"],
    load,
    start(ctx) {
      const d = held(ctx);
      const summary = text(
        [ctx.t("privacy:mydata.title"), ...heldParagraphs(d, ctx), ctx.t("privacy:mydata.howToDelete")].join(
          "\n\n",
        ),
      );
      if (!holdsAnything(d)) return end([summary]);
      if (ctx.channel === "zalo") return end([summary], { effects: [{ type: "privacy.files" }] });
      return end([summary, ...personalFiles(d, ctx)]);
    },
    step: (_s, _i, ctx) => end([text(ctx.t("common:staleButton"))]),
    prompt: () => [],
  };
}

/** /delete: says what will be erased, asks once, erases (the effect says what went and what stayed). */
export function createDeleteFlow(): Flow<PersonalData> {
  const question = (ctx: StepContext<PersonalData>) =>
    text([...heldParagraphs(held(ctx), ctx), ctx.t("privacy:mydata.confirmDelete")].join("\n\n"), {
      options: [
        [{ id: deleteOptions.build("yes"), label: ctx.t("privacy:mydata.buttons.yes") }],
        [{ id: deleteOptions.build("no"), label: ctx.t("privacy:mydata.buttons.no") }],
      ],
    });
  return {
    name: DELETE_FLOW,
    commands: ["delete"],
    load,
    start(ctx) {
      if (!holdsAnything(held(ctx))) return end([text(ctx.t("privacy:mydata.nothingToDelete"))]);
      return { state: { flow: DELETE_FLOW, step: "confirm", data: {} }, replies: [question(ctx)] };
    },
    step(state, input, ctx) {
      if (deleteOptions.match(input, "yes"))
        return end([text(ctx.t("privacy:mydata.deleting"), { edit: true })], {
          effects: [{ type: "privacy.erase" }],
        });
      if (deleteOptions.match(input, "no")) return end([text(ctx.t("privacy:mydata.kept"), { edit: true })]);
      return { state, replies: [text(ctx.t("declaration:errors.useButtons")), question(ctx)] };
    },
    prompt: (_s, ctx) => [question(ctx)],
  };
}
