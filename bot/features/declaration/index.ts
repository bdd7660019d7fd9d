import type { Tx } from "../../../db/client.js";
import type { EffectEnv, Feature } from "../../core/engine.js";
import { text } from "../../core/replies.js";
import type { Reply, StepContext } from "../../core/types.js";
import { renderQrPng } from "../../render/qr-image.js";
import { loadIdHashKey } from "../../shared/id-hash.js";
import {
  addDependent,
  draftSubject,
  getPerson,
  listPeople,
  removeDependent,
  selfPerson,
} from "../../shared/people.js";
import { loadSigningKeys, parseSigningKey } from "../../shared/qr/signing-keys.js";
import { isValidAt, latestDeclaration } from "./declarations.js";
import { deleteDraft, draftSealingKey, saveDraft } from "./drafts.js";
import type {} from "./effects.js";
import { createFamilyFlow } from "./family-flow.js";
import { createDeclarationFlow } from "./flow.js";
import type { WebLinkSource } from "./flow-load.js";
import { revealIdNumber } from "./flow-secrets.js";
import { declarationHome } from "./home.js";
import { personalQrToken } from "./personal-qr.js";
import { renderQrCardPdf } from "./qr-card.js";
import { createQrFlow } from "./qr-flow.js";
import { cardLines, qrCaption } from "./replies.js";
import { createDeclarationService, type DeclarationService } from "./web-service.js";

/** What other features may use of the declaration: the latest one, its validity, the personal QR, the form's symptoms. */
export { describeAnswers } from "./answers.js";
export {
  type Declaration,
  isValidAt,
  latestDeclaration,
  purgeDeclarations,
  selfDeclaredValidSql,
} from "./declarations.js";
export { purgeDrafts } from "./drafts.js";
export type { WebLinkSource } from "./flow-load.js";
export { SYMPTOMS } from "./form.js";
export {
  collectMyData,
  declarationsOf,
  type Erased as DeclarationsErased,
  eraseMyData,
  type MyData,
} from "./personal-data.js";
export { verifyPersonalQr } from "./personal-qr.js";
export { formatLocal } from "./time.js";
export {
  NONE,
  type RawAnswers,
  readWebAnswers,
  type WebFormState,
  webFields,
  webPrefill,
} from "./web-form.js";
export type { DeclarationService, WebPerson } from "./web-service.js";

export interface DeclarationFeatureDeps {
  /** QR_SIGNING_KEY: PKCS#8 PEM or base64(url) 32-byte seed; unset: generated once, kept in the database. */
  qrSigningKey?: string;
  /** How long a declaration (and its QR) stays valid. */
  qrValidDays: number;
  /** Flows a declaration may hand over to once sent, named in its start payload (e.g. ["checkin"]). */
  followUps?: string[];
  /** A button opening the declaration as a web page, offered when a declaration starts (none when unset). */
  webLink?: WebLinkSource;
  /**
   * Lines other features add under the personal QR, from where the declaration says the person lives (the
   * area's risk level); app.ts passes them in so that dependencies keep pointing one way.
   */
  qrNotes?: QrNote[];
  /** WEBAPP_URL: the home message offers the form as a Telegram Mini App (none when unset). */
  webAppUrl?: string;
}

export type QrNote = (tx: Tx, place: { communeCode: string | null }, ctx: StepContext) => Promise<string[]>;

/** The health declaration, the personal QR and dependents (/family). */
export function declarationFeature(deps: DeclarationFeatureDeps): Feature {
  return createDeclaration(deps).feature;
}

/** The feature, and the same save path for callers outside the chat (the web page). */
export function createDeclaration(deps: DeclarationFeatureDeps): {
  feature: Feature;
  service: DeclarationService;
} {
  // A configured key that cannot be read stops the start, not the first declaration.
  if (deps.qrSigningKey) parseSigningKey(deps.qrSigningKey);
  const keys = (env: EffectEnv) => loadSigningKeys(env.tx, { configured: deps.qrSigningKey, now: env.now });

  const notesFor = async (tx: Tx, ctx: StepContext, communeCode: string | null) => {
    const out: string[] = [];
    for (const note of deps.qrNotes ?? []) out.push(...(await note(tx, { communeCode }, ctx)));
    return out;
  };

  /** The photo of a person's current QR, or a message saying why there is none. */
  async function personQr(
    tx: Tx,
    userId: number,
    now: Date,
    ctx: StepContext,
    personId: number | null,
  ): Promise<Reply> {
    const { t } = ctx;
    const person = personId === null ? await selfPerson(tx, userId) : await getPerson(tx, userId, personId);
    const latest = person ? await latestDeclaration(tx, person.id) : null;
    if (!person || !latest) return text(t("declaration:qr.none"));
    if (!isValidAt(latest, now)) return text(t("declaration:qr.expired", { name: person.fullName }));
    const signing = await loadSigningKeys(tx, { configured: deps.qrSigningKey, now });
    const token = personalQrToken(person, latest, signing.current);
    return {
      kind: "photo",
      png: await renderQrPng(token),
      caption: [qrCaption(person, latest, ctx), ...(await notesFor(tx, ctx, latest.communeCode))].join("\n"),
      fileName: "qr.png",
      qr: token,
    };
  }
  const qrReply = (env: EffectEnv, personId: number | null) =>
    personQr(env.tx, env.user.id, env.now, env.ctx, personId);

  const service = createDeclarationService({ validDays: deps.qrValidDays, qrReply: personQr });
  const feature: Feature = {
    name: "declaration",
    home: declarationHome({ webAppUrl: deps.webAppUrl }),
    flows: [
      createDeclarationFlow({ followUps: deps.followUps, webLink: deps.webLink }),
      createQrFlow(),
      createFamilyFlow(),
    ],
    effects: {
      "declaration.saveDraft": async (e, env) => {
        await saveDraft(env.tx, env.user.id, draftSubject(e.personId), e, env.now);
        return undefined;
      },
      "declaration.dropDraft": async (e, env) => {
        await deleteDraft(env.tx, env.user.id, draftSubject(e.personId));
        return undefined;
      },
      "declaration.submit": async (e, env) => {
        const answers = e.idSealed
          ? revealIdNumber(e.answers, e.idSealed, await draftSealingKey(env.tx, env.now))
          : e.answers;
        const saved = await service.submit(env.tx, {
          userId: env.user.id,
          personId: e.personId,
          answers,
          now: env.now,
          ctx: env.ctx,
        });
        if (!saved) return [text(env.ctx.t("declaration:notFound"))];
        return { replies: [saved.reply], next: e.next };
      },
      "declaration.sendQr": async (e, env) => [await qrReply(env, e.personId)],
      "declaration.addDependent": async (e, env) => {
        const hashKey = await loadIdHashKey(env.tx, env.now);
        await addDependent(env.tx, env.user.id, hashKey, e, env.now);
        return [text(env.ctx.t("declaration:family.added", { name: e.fullName }))];
      },
      "declaration.removeDependent": async (e, env) => {
        const removed = await removeDependent(env.tx, env.user.id, e.personId);
        return [text(env.ctx.t(removed ? "declaration:family.removed" : "declaration:notFound"))];
      },
      "declaration.dependentCards": async (_e, env) => {
        const { t } = env.ctx;
        const signing = await keys(env);
        const cards = [];
        for (const person of await listPeople(env.tx, env.user.id)) {
          const latest = await latestDeclaration(env.tx, person.id);
          if (!latest || !isValidAt(latest, env.now)) continue;
          const qrText = personalQrToken(person, latest, signing.current);
          cards.push({ qrText, name: person.fullName, lines: cardLines(person, latest, env.ctx) });
        }
        if (cards.length === 0) return [text(t("declaration:family.noCards"))];
        const pdf = await renderQrCardPdf(cards, { title: t("declaration:family.cardTitle") });
        return [
          {
            kind: "document",
            bytes: pdf,
            fileName: "qr-cards.pdf",
            mimeType: "application/pdf",
            caption: t("declaration:family.cardsCaption", { count: cards.length }),
          },
        ];
      },
    },
  };
  return { feature, service };
}
