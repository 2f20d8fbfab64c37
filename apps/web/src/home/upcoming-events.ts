import type { AgendaEvent, Integration } from "../api/trpc";

const DAY_MS = 86_400_000;

/** How far ahead the home's widget looks, and how many events it lists. */
export const WIDGET_DAYS = 14;
export const WIDGET_EVENTS = 5;

/** The range the widget asks `events.list` for: from now to `WIDGET_DAYS` days ahead. */
export function widgetRange(now: Date): { from: string; to: string } {
  return { from: now.toISOString(), to: new Date(now.getTime() + WIDGET_DAYS * DAY_MS).toISOString() };
}

/** The first `limit` events not over yet (one under way comes first), in the order they start. */
export function nextEvents(events: readonly AgendaEvent[], now: Date, limit = WIDGET_EVENTS): AgendaEvent[] {
  const at = now.getTime();
  return events
    .filter((event) => Date.parse(event.endsAt) > at)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.title.localeCompare(b.title))
    .slice(0, limit);
}

export type ConnectionState = "not_connected" | "idle" | "syncing" | "error" | "needs_reauth";

/**
 * Where the Outlook connection stands: the live status when it has arrived, else what the integration row says
 * (the page shows something sensible from its first render).
 */
export function connectionState(
  live: { state: ConnectionState } | undefined,
  integration: Integration | null,
): ConnectionState {
  if (live) return live.state;
  switch (integration?.status) {
    case "active":
      return "idle";
    case "needs_reauth":
    case "error":
      return integration.status;
    default:
      return "not_connected";
  }
}
