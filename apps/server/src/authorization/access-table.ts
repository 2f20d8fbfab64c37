import { SYNC_QUEUES } from "@agenda/sync/sync-queue";
import type { Caller, CallerKind, CallerWorld, Ownership } from "./caller-world";

/**
 * Who may do what: for every procedure of the API and its REST doors, the outcome each kind of caller meets, on
 * data it owns and on another's. The authorization matrix test runs every cell over HTTP; a procedure missing here,
 * or a REST door missing here, fails it. A new procedure joins by adding its row.
 */

/** A call that went through (any 2xx), or the status and API error code of its refusal. */
export type Expected = "ok" | readonly [status: number, appCode: string];
/** The same outcome whatever the data, or one on the caller's own data and one on another's. */
export type Expectation = Expected | { owned: Expected; foreign: Expected };

export interface RestDoor {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The route as the server declares it (`/api/calendar/events/:id`). */
  route: string;
  /** The request carrying `input` through this door: any input, the fuzz test sends anything through it. */
  request: (input: unknown) => { path: string; body?: unknown };
}

export interface ProcedureAccess {
  expect: Record<CallerKind, Expectation>;
  /** The input for `caller` on data that is `ownership` to them; none: the procedure takes none. */
  input?: (world: CallerWorld, caller: Caller, ownership: Ownership) => Promise<unknown>;
  rest?: RestDoor[];
  /**
   * For a procedure listing data: makes one item of a person's and reads the ids a successful answer lists. The caller
   * must see their own item, and another's only when `seesOthers` names them.
   */
  lists?: {
    itemOf: (world: CallerWorld, person: Caller["owner"]) => Promise<string>;
    ids: (data: unknown) => string[];
    seesOthers: readonly CallerKind[];
  };
  /** Puts back what a successful call changed for the caller (a disconnection). */
  restore?: (world: CallerWorld, caller: Caller) => Promise<void>;
}

const OK = "ok";
const PEOPLE = ["learner", "otherLearner", "trainer", "otherTrainer", "admin", "microsoftConnected"] as const;
const SERVICES = [
  "serviceWithoutScope",
  "serviceReader",
  "serviceWriter",
  "serviceReaderWriter",
  "serviceUserAdministrator",
] as const;
type PersonKind = (typeof PEOPLE)[number];
type ServiceKind = (typeof SERVICES)[number];

/** What every procedure needing credentials answers those who present none, or ones no longer valid. */
const NOT_SIGNED_IN = {
  anonymous: [401, "UNAUTHENTICATED"],
  microsoftUnknown: [401, "MICROSOFT_ACCOUNT_UNKNOWN"],
  deactivatedUser: [401, "USER_DEACTIVATED"],
} as const satisfies Partial<Record<CallerKind, Expected>>;

function each<K extends string>(
  kinds: readonly K[],
  expectation: Expectation | ((kind: K) => Expectation),
): Record<K, Expectation> {
  return Object.fromEntries(
    kinds.map((kind) => [kind, typeof expectation === "function" ? expectation(kind) : expectation]),
  ) as Record<K, Expectation>;
}

/** Open to everyone, signed in or not. */
function anyone(): Record<CallerKind, Expectation> {
  return { ...each(PEOPLE, OK), ...each(SERVICES, OK), anonymous: OK, microsoftUnknown: OK, deactivatedUser: OK };
}

/** Any valid credentials, a person's or an app's. */
function signedIn(): Record<CallerKind, Expectation> {
  return { ...each(PEOPLE, OK), ...each(SERVICES, OK), ...NOT_SIGNED_IN };
}

/** People only, each on their own data: apps are told it is for people. */
function people(expectation: Expectation | ((kind: PersonKind) => Expectation)): Record<CallerKind, Expectation> {
  return { ...each(PEOPLE, expectation), ...each(SERVICES, [403, "USER_ONLY"]), ...NOT_SIGNED_IN };
}

/** The platform's admins only. */
function admins(): Record<CallerKind, Expectation> {
  return people((kind) => (kind === "admin" ? OK : [403, "ADMIN_ONLY"]));
}

/** People by what the platform made them, apps by their scopes. */
function byRoleAndScope(
  forPerson: (kind: PersonKind) => Expectation,
  forService: (kind: ServiceKind) => Expectation,
): Record<CallerKind, Expectation> {
  return { ...each(PEOPLE, forPerson), ...each(SERVICES, forService), ...NOT_SIGNED_IN };
}

const isLearner = (kind: PersonKind) => kind === "learner" || kind === "otherLearner" || kind === "microsoftConnected";
const readsFormations = (kind: ServiceKind) =>
  kind === "serviceReader" || kind === "serviceWriter" || kind === "serviceReaderWriter";
const writesFormations = (kind: ServiceKind) => kind === "serviceWriter" || kind === "serviceReaderWriter";

const OWN_ONLY = { owned: OK, foreign: [404, "EVENT_NOT_FOUND"] } as const;
const DECEMBER = { from: "2026-12-01T00:00:00Z", to: "2027-01-01T00:00:00Z" };
const meeting = { title: "Réunion", startsAt: "2026-12-03T10:00:00+01:00", endsAt: "2026-12-03T11:00:00+01:00" };
const formationFields = {
  title: "Formation revue",
  startsAt: "2026-12-16T09:00:00+01:00",
  endsAt: "2026-12-16T12:00:00+01:00",
  timeZone: "Europe/Paris",
};

/** A query string carrying an input's fields, whatever the input (the fuzz test sends anything through this door). */
const queryString = (input: unknown) =>
  new URLSearchParams(
    Object.entries(typeof input === "object" && input !== null ? input : {}).map(([key, value]): [string, string] => [
      key,
      String(value),
    ]),
  ).toString();
const idsOf = (data: unknown) => (data as Array<{ id: string }>).map(({ id }) => id);
const eventOf = async (world: CallerWorld, caller: Caller, ownership: Ownership) => ({
  id: await world.eventOf(world.personFor(caller, ownership)),
});
const formationOf = async (world: CallerWorld, caller: Caller, ownership: Ownership) =>
  world.formationOf(world.personFor(caller, ownership));
const integrationOf = async (world: CallerWorld, caller: Caller, ownership: Ownership) => ({
  id: await world.integrationOf(world.personFor(caller, ownership)),
});
/** A field of an input of any shape, as a path segment or query value carries it. */
const field = (input: unknown, name: string) =>
  String((typeof input === "object" && input !== null ? (input as Record<string, unknown>)[name] : undefined) ?? "");
/** A path segment carrying any text: a lone surrogate, which no URL can carry, becomes U+FFFD as browsers make it. */
const segment = (text: string) =>
  encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD"));
/** An input without one of its fields, for the body of a door whose path carries that field. */
const without = (input: unknown, name: string) =>
  typeof input === "object" && input !== null && !Array.isArray(input)
    ? Object.fromEntries(Object.entries(input).filter(([key]) => key !== name))
    : input;
const idPath = (prefix: string) => (input: unknown) => ({ path: `${prefix}/${segment(field(input, "id"))}` });

/** Telling Agenda someone left or came back: the platform's apps with `users:write`, and admins. */
function userAccessChange(action: "deactivate" | "reactivate"): ProcedureAccess {
  return {
    expect: byRoleAndScope(
      (kind) => (kind === "admin" ? OK : [403, "FORBIDDEN"]),
      (kind) => (kind === "serviceUserAdministrator" ? OK : [403, "FORBIDDEN"]),
    ),
    input: async (world) => ({ platformUserId: (await world.newPerson()).platformUserId }),
    rest: [
      {
        method: "POST",
        route: `/api/users/:platformUserId/${action}`,
        request: (input) => ({ path: `/api/users/${segment(field(input, "platformUserId"))}/${action}` }),
      },
    ],
  };
}

export const ACCESS_TABLE: Record<string, ProcedureAccess> = {
  me: { expect: signedIn(), rest: [{ method: "GET", route: "/api/me", request: () => ({ path: "/api/me" }) }] },

  "events.list": {
    expect: people(OK),
    input: async () => DECEMBER,
    lists: { itemOf: (world, person) => world.eventOf(person), ids: idsOf, seesOthers: [] },
    rest: [
      {
        method: "GET",
        route: "/api/calendar/events",
        request: (input: unknown) => ({ path: `/api/calendar/events?${queryString(input)}` }),
      },
    ],
  },
  "events.get": {
    expect: people(OWN_ONLY),
    input: eventOf,
    rest: [{ method: "GET", route: "/api/calendar/events/:id", request: idPath("/api/calendar/events") }],
  },
  "events.create": {
    expect: people(OK),
    input: async () => meeting,
    rest: [
      {
        method: "POST",
        route: "/api/calendar/events",
        request: (input) => ({ path: "/api/calendar/events", body: input }),
      },
    ],
  },
  "events.update": {
    expect: people(OWN_ONLY),
    input: async (world, caller, ownership) => ({ ...(await eventOf(world, caller, ownership)), title: "Renommé" }),
    rest: [
      {
        method: "PUT",
        route: "/api/calendar/events/:id",
        request: (input) => ({
          path: `/api/calendar/events/${segment(field(input, "id"))}`,
          body: without(input, "id"),
        }),
      },
    ],
  },
  "events.delete": {
    expect: people(OWN_ONLY),
    input: eventOf,
    rest: [{ method: "DELETE", route: "/api/calendar/events/:id", request: idPath("/api/calendar/events") }],
  },

  "formations.list": {
    expect: byRoleAndScope(
      () => OK,
      (kind) => (readsFormations(kind) ? OK : [403, "FORBIDDEN"]),
    ),
    input: async () => ({}),
    lists: {
      itemOf: (world, person) => world.formationOf(person),
      ids: idsOf,
      seesOthers: ["admin", "serviceReader", "serviceWriter", "serviceReaderWriter"],
    },
  },
  "formations.get": {
    expect: byRoleAndScope(
      (kind) => (kind === "admin" ? OK : { owned: OK, foreign: [404, "FORMATION_NOT_FOUND"] }),
      (kind) => (readsFormations(kind) ? OK : [403, "FORBIDDEN"]),
    ),
    input: async (world, caller, ownership) => ({ id: await formationOf(world, caller, ownership) }),
  },
  "formations.upsert": {
    expect: byRoleAndScope(
      (kind) =>
        kind === "admin"
          ? OK
          : isLearner(kind)
            ? [403, "FORBIDDEN"]
            : { owned: OK, foreign: [403, "TRAINER_ONLY_OWN_FORMATIONS"] },
      (kind) => (writesFormations(kind) ? OK : [403, "FORBIDDEN"]),
    ),
    input: async (world, caller, ownership) => ({
      id: await formationOf(world, caller, ownership),
      ...formationFields,
    }),
  },

  "feeds.get": {
    expect: people(OK),
    rest: [{ method: "GET", route: "/api/calendar/feed", request: () => ({ path: "/api/calendar/feed" }) }],
  },
  "feeds.rotate": {
    expect: people(OK),
    rest: [
      { method: "POST", route: "/api/calendar/feed/rotate", request: () => ({ path: "/api/calendar/feed/rotate" }) },
    ],
  },
  "feeds.updateSettings": {
    // Each person changes their own feed, which the input turns on first: there is no one else's to reach.
    expect: people(OK),
    input: async (world, caller) => {
      await world.calendarFeedOf(caller.owner);
      return { includePersonalEvents: true };
    },
    rest: [
      {
        method: "PUT",
        route: "/api/calendar/feed/settings",
        request: (input) => ({ path: "/api/calendar/feed/settings", body: input }),
      },
    ],
  },
  "feeds.delete": {
    expect: people(OK),
    rest: [{ method: "DELETE", route: "/api/calendar/feed", request: () => ({ path: "/api/calendar/feed" }) }],
  },
  "feeds.formationIcs": {
    // Whoever may see a formation may download it, as formations.get shows it.
    expect: people((kind) => (kind === "admin" ? OK : { owned: OK, foreign: [404, "FORMATION_NOT_FOUND"] })),
    input: async (world, caller, ownership) => ({ formationId: await formationOf(world, caller, ownership) }),
  },

  "integrations.list": {
    expect: people(OK),
    rest: [
      { method: "GET", route: "/api/calendar/integrations", request: () => ({ path: "/api/calendar/integrations" }) },
    ],
  },
  "integrations.all": {
    expect: admins(),
    input: async () => ({ needsAttention: false }),
    rest: [
      {
        method: "GET",
        route: "/api/admin/integrations",
        request: (input) => ({ path: `/api/admin/integrations?${queryString(input)}` }),
      },
    ],
  },
  "integrations.runs": {
    expect: admins(),
    input: integrationOf,
    rest: [
      {
        method: "GET",
        route: "/api/admin/integrations/:id/runs",
        request: (input) => ({ path: `/api/admin/integrations/${segment(field(input, "id"))}/runs` }),
      },
    ],
  },
  "integrations.resync": {
    expect: admins(),
    input: async (world, caller, ownership) => ({ ...(await integrationOf(world, caller, ownership)), full: true }),
    rest: [
      {
        method: "POST",
        route: "/api/admin/integrations/:id/resync",
        request: (input) => ({
          path: `/api/admin/integrations/${segment(field(input, "id"))}/resync`,
          body: without(input, "id"),
        }),
      },
    ],
  },
  "integrations.disconnectForUser": {
    expect: admins(),
    input: async (world, caller, ownership) => ({
      ...(await integrationOf(world, caller, ownership)),
      reason: "Compte partagé",
    }),
    rest: [
      {
        method: "DELETE",
        route: "/api/admin/integrations/:id",
        request: (input) => ({
          path: `/api/admin/integrations/${segment(field(input, "id"))}`,
          body: without(input, "id"),
        }),
      },
    ],
    restore: async (world, caller) => {
      for (const person of [caller.owner, caller.foreign]) await world.reconnectIfDisconnected(person);
    },
  },
  "integrations.outlook.authUrl": {
    expect: people(OK),
    rest: [
      {
        method: "GET",
        route: "/api/calendar/outlook/auth-url",
        request: () => ({ path: "/api/calendar/outlook/auth-url" }),
      },
    ],
  },
  "integrations.outlook.callback": {
    // Microsoft's answer to a connection another person began is theirs: the OAuth state is bound to who began it.
    expect: people({ owned: OK, foreign: [400, "OAUTH_STATE_FOREIGN"] }),
    input: async (world, caller, ownership) => world.outlookAnswerFor(world.personFor(caller, ownership)),
    rest: [
      {
        method: "POST",
        route: "/api/calendar/outlook/callback",
        request: (input) => ({ path: "/api/calendar/outlook/callback", body: input }),
      },
    ],
  },
  "integrations.outlook.calendars": {
    expect: people(OK),
    rest: [
      {
        method: "GET",
        route: "/api/calendar/outlook/calendars",
        request: () => ({ path: "/api/calendar/outlook/calendars" }),
      },
    ],
  },
  "integrations.outlook.updateSettings": {
    expect: people(OK),
    input: async () => ({ autoSyncEnabled: true }),
    rest: [
      {
        method: "PUT",
        route: "/api/calendar/integrations/outlook/settings",
        request: (input) => ({ path: "/api/calendar/integrations/outlook/settings", body: input }),
      },
    ],
  },
  "integrations.outlook.disconnect": {
    expect: people(OK),
    input: async () => ({ removeExportedFormations: false }),
    rest: [
      {
        method: "DELETE",
        route: "/api/calendar/integrations/outlook",
        request: () => ({ path: "/api/calendar/integrations/outlook?removeExportedFormations=false" }),
      },
    ],
    restore: (world, caller) => world.reconnect(caller.owner),
  },

  "sync.importNow": {
    expect: people(OK),
    rest: [
      {
        method: "POST",
        route: "/api/calendar/outlook/import",
        request: () => ({ path: "/api/calendar/outlook/import" }),
      },
    ],
  },
  "sync.exportFormation": {
    // Only a formation one takes part in goes to one's Outlook, whatever one may see.
    expect: people({ owned: OK, foreign: [412, "FORMATION_NOT_EXPORTABLE"] }),
    input: async (world, caller, ownership) => ({ formationId: await formationOf(world, caller, ownership) }),
    rest: [
      {
        method: "POST",
        route: "/api/calendar/outlook/export-formation",
        request: (input) => ({ path: "/api/calendar/outlook/export-formation", body: input }),
      },
    ],
  },
  "sync.runs": {
    expect: people(OK),
    input: async () => ({}),
    rest: [{ method: "GET", route: "/api/calendar/sync/runs", request: () => ({ path: "/api/calendar/sync/runs" }) }],
  },
  "sync.statusTicket": { expect: people(OK) },
  "sync.onStatus": { expect: people(OK) },
  "sync.conflicts": {
    expect: people(OK),
    input: async () => ({}),
    lists: { itemOf: (world, person) => world.conflictOf(person), ids: idsOf, seesOthers: [] },
  },
  "sync.reviewConflict": {
    expect: people({ owned: OK, foreign: [404, "CONFLICT_NOT_FOUND"] }),
    input: async (world, caller, ownership) => ({ id: await world.conflictOf(world.personFor(caller, ownership)) }),
  },
  "sync.resolveConflict": {
    expect: people({ owned: OK, foreign: [404, "CONFLICT_NOT_FOUND"] }),
    input: async (world, caller, ownership) => ({
      id: await world.resolvableConflictOf(world.personFor(caller, ownership)),
    }),
  },
  "sync.formations": {
    expect: people(OK),
    lists: {
      itemOf: (world, person) => world.formationOf(person),
      ids: (data) => (data as Array<{ formationId: string }>).map(({ formationId }) => formationId),
      seesOthers: [],
    },
  },
  "sync.failedJobs": {
    expect: admins(),
    rest: [
      { method: "GET", route: "/api/admin/sync/failed-jobs", request: () => ({ path: "/api/admin/sync/failed-jobs" }) },
    ],
  },
  "sync.retryJob": { expect: admins(), input: async () => ({ queue: SYNC_QUEUES.import, id: crypto.randomUUID() }) },

  "auditLog.list": {
    expect: admins(),
    input: async () => ({ limit: 20 }),
    lists: {
      itemOf: (world, person) => world.auditEntryOf(person),
      ids: (data) => (data as { entries: Array<{ id: string }> }).entries.map(({ id }) => id),
      seesOthers: ["admin"],
    },
    rest: [
      {
        method: "GET",
        route: "/api/admin/audit-log",
        request: (input) => ({ path: `/api/admin/audit-log?${queryString(input)}` }),
      },
    ],
  },

  "serviceTokens.list": {
    expect: admins(),
    input: async () => ({}),
    lists: { itemOf: (world) => world.serviceTokenOf(), ids: idsOf, seesOthers: ["admin"] },
    rest: [
      {
        method: "GET",
        route: "/api/admin/service-tokens",
        request: (input) => ({ path: `/api/admin/service-tokens?${queryString(input)}` }),
      },
    ],
  },
  "serviceTokens.create": {
    expect: admins(),
    input: async () => ({ name: "world-created", scopes: ["formations:read"] }),
    rest: [
      {
        method: "POST",
        route: "/api/admin/service-tokens",
        request: (input) => ({ path: "/api/admin/service-tokens", body: input }),
      },
    ],
  },
  "serviceTokens.revoke": {
    expect: admins(),
    input: async (world) => ({ id: await world.serviceTokenOf() }),
    rest: [{ method: "DELETE", route: "/api/admin/service-tokens/:id", request: idPath("/api/admin/service-tokens") }],
  },

  "platformSettings.get": { expect: admins() },
  "platformSettings.update": { expect: admins(), input: async () => ({ cancelledFormationsInOutlook: "mark" }) },

  "users.search": {
    // People planning formations find learners to enrol; apps name their people themselves (formations.upsert).
    expect: people((kind) => (isLearner(kind) ? [403, "FORBIDDEN"] : OK)),
    input: async () => ({ query: "example" }),
  },
  "users.deactivate": userAccessChange("deactivate"),
  "users.reactivate": userAccessChange("reactivate"),

  "demo.signIn": {
    expect: anyone(),
    input: async () => ({ email: "lea.martin@formation.demo" }),
    rest: [
      { method: "POST", route: "/api/demo/sign-in", request: (input) => ({ path: "/api/demo/sign-in", body: input }) },
    ],
  },
};

/**
 * The /api routes that are no procedure's door, and the public routes outside it that answer data, and why each may
 * be called by anyone: what they check instead is the test of their own.
 */
export const PUBLIC_NON_PROCEDURE_ROUTES: Record<string, string> = {
  "POST /api/calendar/outlook/notifications":
    "Microsoft's change notifications: each item checked against its subscription's clientState",
  "POST /api/calendar/outlook/lifecycle":
    "Microsoft's lifecycle events: each item checked against its subscription's clientState",
  "GET /feeds/:file":
    "a person's private calendar feed, polled by calendar apps that cannot sign in: its 256-bit secret is the credential (feeds.test.ts)",
};
