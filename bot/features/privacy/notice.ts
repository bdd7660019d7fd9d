/**
 * The version of the privacy notice (locales privacy:notice.*). Raise it when what is collected, why, who
 * sees it or how long it is kept changes: everyone is then asked again on their next message.
 */
export const NOTICE_VERSION = 1;

/** The numbers the notice states, from the retention configuration, so the text never drifts from it. */
export interface NoticeTerms {
  version: number;
  visitDays: number;
  declarationDays: number;
  draftDays: number;
  monitoringDays: number;
  traceDays: number;
}
