import { describe, expect, it } from "vitest";
import { agendaEvent, outlookIntegration } from "../test-support/fixtures";
import { connectionState, nextEvents, widgetRange } from "./upcoming-events";

const now = new Date("2026-11-26T12:00:00.000Z");
const at = (id: string, startsAt: string, endsAt: string) => agendaEvent({ id, title: id, startsAt, endsAt });

describe("the home's calendar widget", () => {
  it("looks 14 days ahead", () => {
    expect(widgetRange(now)).toEqual({ from: "2026-11-26T12:00:00.000Z", to: "2026-12-10T12:00:00.000Z" });
  });

  it("lists the events not over yet in the order they start, at most five", () => {
    const events = [
      at("later", "2026-11-30T09:00:00.000Z", "2026-11-30T10:00:00.000Z"),
      at("over", "2026-11-26T08:00:00.000Z", "2026-11-26T09:00:00.000Z"),
      at("under way", "2026-11-26T11:00:00.000Z", "2026-11-26T13:00:00.000Z"),
      ...["a", "b", "c", "d"].map((id, day) =>
        at(id, `2026-12-0${day + 1}T09:00:00.000Z`, `2026-12-0${day + 1}T10:00:00.000Z`),
      ),
    ];
    expect(nextEvents(events, now).map(({ id }) => id)).toEqual(["under way", "later", "a", "b", "c"]);
  });

  it("takes the live status when it has come, else the integration", () => {
    expect(connectionState({ state: "syncing" }, outlookIntegration())).toBe("syncing");
    expect(connectionState(undefined, outlookIntegration())).toBe("idle");
    expect(connectionState(undefined, outlookIntegration({ status: "needs_reauth" }))).toBe("needs_reauth");
    expect(connectionState(undefined, outlookIntegration({ status: "disconnected" }))).toBe("not_connected");
    expect(connectionState(undefined, null)).toBe("not_connected");
  });
});
