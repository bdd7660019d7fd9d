import type { ReportInput } from "./daily-reports.js";
import type { NewGroup } from "./groups.js";

/** Effects of the monitoring feature, run by index.ts inside the update's transaction. */
declare module "../../core/types.js" {
  interface EffectMap {
    /** Stores a daily report for a member this account reports for. */
    "monitoring.saveReport": { memberId: number; input: ReportInput };
    /** The name and room/house of a member who joined by a link. */
    "monitoring.reportDetails": { memberId: number; name: string; room: string | null };
    /** Links the listed entries of this account's phone; `report` continues into the report. */
    "monitoring.linkMine": { report: boolean };
    /** Enrolls a dependent of this account in a group the account is in. */
    "monitoring.addDependent": { groupId: number; personId: number };
    "monitoring.createGroup": NewGroup;
    "monitoring.status": { groupId: number; edit?: boolean };
    "monitoring.members": { groupId: number; page: number };
    "monitoring.member": { memberId: number; edit?: boolean };
    "monitoring.closeMember": { memberId: number; status: "released" | "removed" };
    /** Pauses a member's reminders for `hours` (null resumes them). */
    "monitoring.pause": { memberId: number; hours: number | null };
    /** A list file sent by a manager; groupId null: the only group they run. */
    "monitoring.importList": {
      groupId: number | null;
      fileRef: string;
      fileName?: string;
      mimeType?: string;
      size?: number;
    };
    /** The group's invitation link and poster. */
    "monitoring.invite": { groupId: number };
    "monitoring.inviteManager": { groupId: number };
    "monitoring.broadcast": { groupId: number; text: string };
    "monitoring.windows": { groupId: number; text: string };
  }
}

export type MonitoringEffectType =
  | "monitoring.saveReport"
  | "monitoring.reportDetails"
  | "monitoring.linkMine"
  | "monitoring.addDependent"
  | "monitoring.createGroup"
  | "monitoring.status"
  | "monitoring.members"
  | "monitoring.member"
  | "monitoring.closeMember"
  | "monitoring.pause"
  | "monitoring.importList"
  | "monitoring.invite"
  | "monitoring.inviteManager"
  | "monitoring.broadcast"
  | "monitoring.windows";
