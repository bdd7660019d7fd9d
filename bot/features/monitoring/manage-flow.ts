import { end, rows, text } from "../../core/replies.js";
import type {
  AnyFlow,
  Effect,
  Flow,
  FlowState,
  Input,
  LoadEnv,
  Option,
  StepContext,
  StepResult,
} from "../../core/types.js";
import type {} from "./effects.js";
import { MANAGER_MENU_ROLES, managedGroups } from "./groups.js";
import { MANAGE_FLOW, manageOptions } from "./options.js";

export { MANAGE_FLOW };

export const BROADCAST_MAX = 3000;
export const PAUSE_HOURS = 24;

/** The buttons under a group's status. */
export function groupButtons(groupId: number, ctx: StepContext): Option[][] {
  const b = (action: "ref" | "mem" | "up" | "link" | "bc" | "mgr" | "win", key: string): Option => ({
    id: manageOptions.build(action, groupId),
    label: ctx.t(`monitoring:menu.${key}`),
  });
  return [
    [b("ref", "refresh"), b("mem", "members")],
    [b("up", "upload"), b("link", "link")],
    [b("bc", "broadcast"), b("mgr", "manager")],
    [b("win", "windows")],
  ];
}

const ask = (step: string, groupId: number, key: string, ctx: StepContext): StepResult => ({
  state: { flow: MANAGE_FLOW, step, data: { groupId } },
  replies: [text(ctx.t(key, { max: BROADCAST_MAX }))],
});

const confirm = (key: string, yes: string, no: string, ctx: StepContext): StepResult =>
  end([
    text(ctx.t(key), {
      options: [
        [
          { id: yes, label: ctx.t("monitoring:member.yes") },
          { id: no, label: ctx.t("monitoring:member.no") },
        ],
      ],
    }),
  ]);

/**
 * A manager's buttons, whether or not a flow is active: each becomes an effect whose service checks the
 * person's role for the group. Null for input that is not one of them.
 */
export function groupMenu(input: Input, ctx: StepContext): StepResult | null {
  if (input.kind !== "option") return null;
  const o = manageOptions.parse(input.data);
  if (!o || o.action === "send" || o.action === "nosend") return null;
  const id = o.args[0];
  const effect = (e: Effect[]) => end([], { effects: e });
  switch (o.action) {
    case "view":
      return effect([{ type: "monitoring.status", groupId: id }]);
    case "ref":
      return effect([{ type: "monitoring.status", groupId: id, edit: true }]);
    case "mem":
      return effect([{ type: "monitoring.members", groupId: id, page: o.args[1] ?? 0 }]);
    case "m":
      return effect([{ type: "monitoring.member", memberId: id, edit: true }]);
    case "rel":
      return confirm(
        "monitoring:member.releaseConfirm",
        manageOptions.build("relok", id),
        manageOptions.build("m", id),
        ctx,
      );
    case "relok":
      return effect([{ type: "monitoring.closeMember", memberId: id, status: "released" }]);
    case "rm":
      return confirm(
        "monitoring:member.removeConfirm",
        manageOptions.build("rmok", id),
        manageOptions.build("m", id),
        ctx,
      );
    case "rmok":
      return effect([{ type: "monitoring.closeMember", memberId: id, status: "removed" }]);
    case "pause":
      return effect([{ type: "monitoring.pause", memberId: id, hours: PAUSE_HOURS }]);
    case "resume":
      return effect([{ type: "monitoring.pause", memberId: id, hours: null }]);
    case "up":
      return ask("upload", id, "monitoring:upload.ask", ctx);
    case "link":
      return effect([{ type: "monitoring.invite", groupId: id }]);
    case "mgr":
      return effect([{ type: "monitoring.inviteManager", groupId: id }]);
    case "bc":
      return ask("bcText", id, "monitoring:broadcast.ask", ctx);
    case "win":
      return ask("windows", id, "monitoring:windows.ask", ctx);
  }
  return null;
}

type Place = { id: number; name: string };

function step(s: FlowState, input: Input, ctx: StepContext): StepResult {
  const menu = groupMenu(input, ctx);
  if (menu) return menu;
  const groupId = Number(s.data.groupId);
  const again = (key: string): StepResult => ({
    state: s,
    replies: [text(`⚠️ ${ctx.t(key, { max: BROADCAST_MAX })}`), ...prompt(s, ctx)],
  });
  switch (s.step) {
    case "upload":
      if (input.kind !== "document") return again("monitoring:upload.notFile");
      return end([], {
        effects: [
          {
            type: "monitoring.importList",
            groupId,
            fileRef: input.fileRef,
            fileName: input.fileName,
            mimeType: input.mimeType,
            size: input.size,
          },
        ],
      });
    case "bcText": {
      if (input.kind !== "text") return again("monitoring:broadcast.ask");
      const message = input.text.trim();
      if (message.length === 0 || message.length > BROADCAST_MAX)
        return again("monitoring:broadcast.tooLong");
      const next: FlowState = { flow: MANAGE_FLOW, step: "bcConfirm", data: { groupId, text: message } };
      return { state: next, replies: prompt(next, ctx) };
    }
    case "bcConfirm":
      if (manageOptions.match(input, "send"))
        return end([text(ctx.t("monitoring:broadcast.sending"), { edit: true })], {
          effects: [{ type: "monitoring.broadcast", groupId, text: String(s.data.text) }],
        });
      if (manageOptions.match(input, "nosend"))
        return end([text(ctx.t("monitoring:broadcast.cancelled"), { edit: true })]);
      return again("monitoring:report.useButtons");
    case "windows":
      if (input.kind !== "text") return again("monitoring:windows.ask");
      return end([], { effects: [{ type: "monitoring.windows", groupId, text: input.text }] });
  }
  return again("monitoring:report.useButtons");
}

function prompt(s: FlowState, ctx: StepContext) {
  switch (s.step) {
    case "upload":
      return [text(ctx.t("monitoring:upload.ask"))];
    case "bcText":
      return [text(ctx.t("monitoring:broadcast.ask", { max: BROADCAST_MAX }))];
    case "bcConfirm":
      return [
        text(ctx.t("monitoring:broadcast.preview", { text: String(s.data.text) }), {
          options: [
            [
              { id: manageOptions.build("send"), label: ctx.t("monitoring:broadcast.send") },
              { id: manageOptions.build("nosend"), label: ctx.t("monitoring:broadcast.cancel") },
            ],
          ],
        }),
      ];
    case "windows":
      return [text(ctx.t("monitoring:windows.ask"))];
  }
  const places = (s.data.places ?? []) as Place[];
  const action = s.data.purpose === "bc" ? "bc" : "view";
  return [
    text(ctx.t("monitoring:choose"), {
      options: rows(
        places.map((p) => ({ id: manageOptions.build(action, p.id), label: p.name.slice(0, 60) })),
      ),
    }),
  ];
}

/** /group: a manager's view of their group; /broadcast: a text to everyone in it. */
export function createManageFlows(): AnyFlow[] {
  const manage: Flow<Place[] | undefined> = {
    name: MANAGE_FLOW,
    commands: ["group"],
    roles: MANAGER_MENU_ROLES,
    requiresPhone: true,
    async load(env: LoadEnv) {
      if (env.state) return undefined;
      const groups = await managedGroups(env.tx, env.user.id, { limit: 30 });
      return groups.map((g) => ({ id: g.id, name: g.name }));
    },
    start(ctx, payload) {
      const places = ctx.loaded ?? [];
      const purpose = payload === "bc" ? "bc" : "view";
      if (places.length === 0) return end([text(ctx.t("monitoring:notManager"))]);
      if (places.length === 1) {
        if (purpose === "bc") return ask("bcText", places[0]!.id, "monitoring:broadcast.ask", ctx);
        return end([], { effects: [{ type: "monitoring.status", groupId: places[0]!.id }] });
      }
      const s: FlowState = { flow: MANAGE_FLOW, step: "choose", data: { places, purpose } };
      return { state: s, replies: prompt(s, ctx) };
    },
    step,
    prompt,
  };
  const broadcast: Flow = {
    name: "broadcast",
    commands: ["broadcast"],
    roles: MANAGER_MENU_ROLES,
    requiresPhone: true,
    start: () => end([], { next: { flow: MANAGE_FLOW, payload: "bc" } }),
    step: () => end([]),
    prompt: () => [],
  };
  return [manage, broadcast];
}
