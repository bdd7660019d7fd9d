import type { TFunction } from "i18next";
import type { Tx } from "../../../db/client.js";
import type { Feature } from "../../core/engine.js";
import { end, text } from "../../core/replies.js";
import type { Flow, LoadEnv, Reply, StepContext, UserView } from "../../core/types.js";
import {
  findInvitation,
  INVITE_CODE_PREFIX,
  INVITE_PREFIX,
  type InvitationLookup,
  isLiveInvitationCode,
  recordInvitationUse,
} from "../../shared/invitations.js";
import { grantRole, ROLES, type Role, type Scope } from "../../shared/roles.js";
import { invitationOptions, INVITATION_FLOW as NAME } from "./options.js";

declare module "../../core/types.js" {
  interface EffectMap {
    "invitation.accept": { token: string };
  }
}

/** What one kind of invitation grants; features register theirs (roles here, group membership elsewhere). */
export interface InvitationKind {
  kind: string;
  /** One line saying what accepting gives, in the person's language. */
  describe(payload: unknown, t: TFunction): string;
  accept(
    env: { tx: Tx; user: UserView; now: Date; t: TFunction; invitationId: number },
    payload: unknown,
  ): Promise<Reply[]>;
}

export interface RoleInvitation {
  role: Role;
  scope: Scope;
  /** The scope's name when the link was made (a checkpoint's or group's name, a commune's). */
  label: string;
}

function asRoleInvitation(p: unknown): RoleInvitation | null {
  const x = p as Partial<RoleInvitation> | null;
  return x && typeof x.role === "string" && (ROLES as readonly string[]).includes(x.role) && x.scope
    ? { role: x.role, scope: x.scope, label: String(x.label ?? "") }
    : null;
}

/** Invitations that grant a role with its scope (staff of a checkpoint, commune officer…). */
export function roleInvitationKind(): InvitationKind {
  return {
    kind: "role",
    describe: (payload, t) => {
      const inv = asRoleInvitation(payload);
      return inv ? t("invitation:grants", { role: t(`invitation:roles.${inv.role}`), label: inv.label }) : "";
    },
    accept: async (env, payload) => {
      const inv = asRoleInvitation(payload);
      if (!inv) return [text(env.t("invitation:invalid"))];
      await grantRole(env.tx, { userId: env.user.id, role: inv.role, scope: inv.scope });
      return [
        text(env.t("invitation:accepted", { role: env.t(`invitation:roles.${inv.role}`), label: inv.label })),
      ];
    },
  };
}

type Loaded = { lookup: InvitationLookup; description?: string };

function refusal(lookup: InvitationLookup, ctx: StepContext): Reply {
  return text(ctx.t(`invitation:status.${lookup.status === "ok" ? "unknown" : lookup.status}`));
}

/** `/start inv_<token>`: say what the invitation gives, then accept or decline. */
export function invitationFeature(opts: { kinds: InvitationKind[] }): Feature {
  const kinds = new Map(opts.kinds.map((k) => [k.kind, k]));
  const question = (description: string, ctx: StepContext): Reply =>
    text(ctx.t("invitation:question", { description }), {
      options: [
        [
          { id: invitationOptions.build("accept"), label: ctx.t("invitation:accept") },
          { id: invitationOptions.build("decline"), label: ctx.t("invitation:decline") },
        ],
      ],
    });

  const flow: Flow<Loaded> = {
    name: NAME,
    requiresPhone: true,
    async load(env: LoadEnv) {
      const token = String(env.payload ?? env.state?.data.token ?? "").replace(INVITE_PREFIX, "");
      const lookup = await findInvitation(env.tx, token, { now: env.now, userId: env.user.id });
      return { lookup, token } satisfies Loaded & { token: string };
    },
    start(ctx, payload) {
      const { lookup } = ctx.loaded;
      const kind = lookup.status === "ok" ? kinds.get(lookup.kind) : undefined;
      if (lookup.status !== "ok" || !kind) return end([refusal(lookup, ctx)]);
      const description = kind.describe(lookup.payload, ctx.t);
      return {
        state: {
          flow: NAME,
          step: "confirm",
          data: { token: payload.replace(INVITE_PREFIX, ""), description },
        },
        replies: [question(description, ctx)],
      };
    },
    prompt: (state, ctx) => [question(String(state.data.description ?? ""), ctx)],
    step(state, input, ctx) {
      if (invitationOptions.match(input, "accept")) {
        return end([text(ctx.t("invitation:acceptedShort"), { edit: true })], {
          effects: [{ type: "invitation.accept", token: String(state.data.token) }],
        });
      }
      if (invitationOptions.match(input, "decline")) {
        return end([text(ctx.t("invitation:declined"), { edit: true })]);
      }
      return { state, replies: [text(ctx.t("invitation:pressButton")), ...flow.prompt(state, ctx)] };
    },
  };

  return {
    name: "invitation",
    flows: [flow],
    deepLinks: [{ prefix: INVITE_PREFIX, flow: NAME }],
    // The same invitation by its short code, for those who cannot open a link (Zalo).
    codes: async (tx, code, now) =>
      (await isLiveInvitationCode(tx, code, now))
        ? { flow: NAME, payload: `${INVITE_CODE_PREFIX}${code}` }
        : null,
    effects: {
      "invitation.accept": async (e, env) => {
        const lookup = await findInvitation(env.tx, e.token, {
          now: env.now,
          userId: env.user.id,
          lock: true,
        });
        const kind = lookup.status === "ok" ? kinds.get(lookup.kind) : undefined;
        if (lookup.status !== "ok" || !kind) return [refusal(lookup, env.ctx)];
        await recordInvitationUse(env.tx, lookup.id, env.user.id, env.now);
        return kind.accept(
          { tx: env.tx, user: env.user, now: env.now, t: env.ctx.t, invitationId: lookup.id },
          lookup.payload,
        );
      },
    },
  };
}
