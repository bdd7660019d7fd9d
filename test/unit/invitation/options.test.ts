import { describe, expect, it } from "vitest";
import { invitationOptions } from "../../../bot/features/invitation/options.js";

describe("invitation button ids", () => {
  it("accept and decline round-trip", () => {
    expect(invitationOptions.build("accept")).toBe("invitation:accept");
    expect(invitationOptions.match(invitationOptions.build("decline"), "decline")).toEqual([]);
    expect(invitationOptions.match(invitationOptions.build("decline"), "accept")).toBeNull();
  });

  it("refuse garbled and foreign ids", () => {
    for (const bad of ["invitation:accept:1", "invitation:yes", "invitation", "invite:accept"])
      expect(invitationOptions.parse(bad), bad).toBeNull();
  });
});
