import type { AgendaEvent, Integration } from "../api/trpc";

export function agendaEvent(overrides: Partial<AgendaEvent> = {}): AgendaEvent {
  return {
    id: "7d3f2c1a-0000-4000-8000-000000000001",
    source: "platform",
    title: "Révision",
    body: "",
    location: null,
    onlineUrl: null,
    startsAt: "2026-11-26T13:00:00.000Z",
    endsAt: "2026-11-26T14:30:00.000Z",
    isAllDay: false,
    startDate: null,
    endDate: null,
    timeZone: "Europe/Paris",
    showAs: "busy",
    formationId: null,
    outlook: null,
    syncStatus: "synced",
    syncError: null,
    version: 3,
    updatedAt: "2026-11-20T10:00:00.000Z",
    ...overrides,
  };
}

export function outlookIntegration(overrides: Partial<Integration> = {}): Integration {
  return {
    id: "0c1d2e3f-0000-4000-8000-000000000002",
    provider: "outlook",
    status: "active",
    statusReason: null,
    account: { email: "lea.martin@formation.demo", name: "Léa Martin", tenantId: "tenant" },
    scopes: ["Calendars.ReadWrite", "User.Read"],
    settings: { importEnabled: true, exportEnabled: true, autoSyncEnabled: true, importCalendarIds: [], exportCalendarId: null },
    lastSyncAt: null,
    lastSyncResult: null,
    connectedAt: "2026-11-24T09:30:00.000Z",
    updatedAt: "2026-11-24T09:30:00.000Z",
    ...overrides,
  };
}
