import type { AgendaEvent, Integration } from "../api/trpc";
import type { FailedJob, SyncConflict, SyncFormation } from "../sync/sync-types";

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
    formationSessionId: null,
    cancelled: false,
    cancellationReason: null,
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
    settings: {
      importEnabled: true,
      exportEnabled: true,
      autoSyncEnabled: true,
      importCalendarIds: [],
      exportCalendarId: null,
    },
    lastSyncAt: null,
    lastSyncResult: null,
    syncMode: "polling",
    connectedAt: "2026-11-24T09:30:00.000Z",
    updatedAt: "2026-11-24T09:30:00.000Z",
    ...overrides,
  };
}

export function syncConflict(overrides: Partial<SyncConflict> = {}): SyncConflict {
  return {
    id: "5a6b7c8d-0000-4000-8000-000000000003",
    kind: "edited_on_both_sides",
    winner: "outlook",
    eventId: "7d3f2c1a-0000-4000-8000-000000000001",
    formationId: null,
    title: "Révision",
    platformVersion: {
      title: "Révision",
      location: "Salle 2",
      startsAt: "2026-11-26T13:00:00.000Z",
      endsAt: "2026-11-26T14:30:00.000Z",
      isAllDay: false,
      modifiedAt: "2026-11-25T08:00:00.000Z",
    },
    outlookVersion: {
      title: "Révision du chapitre 3",
      location: null,
      startsAt: "2026-11-26T15:00:00.000Z",
      endsAt: "2026-11-26T16:00:00.000Z",
      isAllDay: false,
      modifiedAt: "2026-11-25T09:00:00.000Z",
    },
    detectedAt: "2026-11-25T09:05:00.000Z",
    reviewedAt: null,
    ...overrides,
  };
}

export function syncFormation(overrides: Partial<SyncFormation> = {}): SyncFormation {
  return {
    formationId: "9e8d7c6b-0000-4000-8000-000000000004",
    eventId: "9e8d7c6b-0000-4000-8000-000000000005",
    title: "RGPD : les fondamentaux",
    startsAt: "2026-11-27T09:00:00.000Z",
    endsAt: "2026-11-27T13:00:00.000Z",
    location: "Salle Lovelace, Lyon",
    outlookState: "not_exported",
    outlookEventId: null,
    syncError: null,
    ...overrides,
  };
}

export function failedJob(overrides: Partial<FailedJob> = {}): FailedJob {
  return {
    id: "1f2e3d4c-0000-4000-8000-000000000006",
    queue: "outlook-import",
    integrationId: "0c1d2e3f-0000-4000-8000-000000000002",
    trigger: "schedule",
    retryCount: 5,
    error: "Graph answered 503",
    createdAt: "2026-11-24T10:00:00.000Z",
    failedAt: "2026-11-24T10:20:00.000Z",
    ...overrides,
  };
}
