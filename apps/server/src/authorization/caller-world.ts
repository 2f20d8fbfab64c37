import type { AddressInfo } from "node:net";
import {
  createAuthenticator,
  createMicrosoftTokenVerifier,
  signSessionToken,
  type CalendarFeedSettings,
} from "@agenda/api";
import type { Database } from "@agenda/db/client";
import { auditLog, syncConflicts } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { getCalendarFeed, issueCalendarFeedSecret } from "@agenda/domain/calendar-feeds";
import { seedDemoData } from "@agenda/domain/demo-seed";
import { createEvent, createEventInput } from "@agenda/domain/events";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser, setUserDeactivated, type Role, type User } from "@agenda/domain/users";
import type { ServiceScope, Viewer } from "@agenda/domain/viewer";
import { signInThroughAuthorizePage, type Sandbox } from "@agenda/microsoft-sandbox";
import { IntegrationStatusFeed } from "@agenda/sync/integration-status";
import { beginOutlookConnection, completeOutlookConnection } from "@agenda/sync/outlook-connection";
import type { OutlookServices } from "@agenda/sync/outlook-services";
import { testOutlookServices } from "@agenda/sync/testing/connect";
import { startQueueOnlySync } from "@agenda/sync/testing/sync";
import { TEST_APP, TEST_REDIRECT_URI } from "@agenda/testing/sandbox";
import { serve } from "@hono/node-server";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { addinAuthSettings } from "../addin-auth";
import { createApp } from "../app";
import { createDemoMode } from "../demo";

/** Every kind of caller the API meets. Two of each kind of person: what one owns is the other's foreign data. */
export const CALLER_KINDS = [
  "anonymous",
  "learner",
  "otherLearner",
  "trainer",
  "otherTrainer",
  "admin",
  "deactivatedUser",
  "serviceWithoutScope",
  "serviceReader",
  "serviceWriter",
  "serviceReaderWriter",
  "serviceUserAdministrator",
  "microsoftConnected",
  "microsoftUnknown",
] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

/** The people the world holds, each with a mailbox in the sandbox. */
const PEOPLE = {
  lea: { role: "learner", mailbox: "lea@contoso.test", name: "Léa" },
  noe: { role: "learner", mailbox: "noe@contoso.test", name: "Noé" },
  tom: { role: "trainer", mailbox: "tom@contoso.test", name: "Tom" },
  tia: { role: "trainer", mailbox: "tia@contoso.test", name: "Tia" },
  ada: { role: "admin", mailbox: "ada@contoso.test", name: "Ada" },
  dee: { role: "trainer", mailbox: "dee@contoso.test", name: "Dee" },
} as const satisfies Record<string, { role: Role; mailbox: string; name: string }>;
type PersonKey = keyof typeof PEOPLE;

export const SANDBOX_MAILBOXES = [
  ...Object.values(PEOPLE).map(({ mailbox, name }) => ({ userPrincipalName: mailbox, displayName: name })),
  { userPrincipalName: "stranger@contoso.test", displayName: "Stranger" },
];

/** Whose data a caller owns and whose is foreign to them; callers that are no one own what Léa owns. */
const OWNERS: Record<CallerKind, { owner: PersonKey; foreign: PersonKey }> = {
  anonymous: { owner: "lea", foreign: "noe" },
  learner: { owner: "lea", foreign: "noe" },
  otherLearner: { owner: "noe", foreign: "lea" },
  trainer: { owner: "tom", foreign: "tia" },
  otherTrainer: { owner: "tia", foreign: "tom" },
  admin: { owner: "ada", foreign: "lea" },
  deactivatedUser: { owner: "dee", foreign: "lea" },
  serviceWithoutScope: { owner: "lea", foreign: "noe" },
  serviceReader: { owner: "lea", foreign: "noe" },
  serviceWriter: { owner: "lea", foreign: "noe" },
  serviceReaderWriter: { owner: "lea", foreign: "noe" },
  serviceUserAdministrator: { owner: "lea", foreign: "noe" },
  // Léa's Microsoft account: the add-in speaks for Léa.
  microsoftConnected: { owner: "lea", foreign: "noe" },
  microsoftUnknown: { owner: "lea", foreign: "noe" },
};

export type Ownership = "owned" | "foreign";

/** A caller as a test uses it: the headers it sends, and the people whose data is its own and foreign to it. */
export interface Caller {
  kind: CallerKind;
  headers: Record<string, string>;
  owner: User;
  foreign: User;
}

const SECRET = "authorization-world-secret-long-enough-for-hs256";

/**
 * A running server over HTTP with its real database, the Microsoft sandbox, a job queue, live statuses and demo
 * sign-in: six people (two learners, two trainers, an admin, a deactivated trainer), five of them connected to
 * Outlook, service tokens with each scope set, and Microsoft tokens of a connected and of an unknown account.
 */
export class CallerWorld {
  private constructor(
    readonly url: string,
    readonly db: Database,
    readonly sandbox: Sandbox,
    private readonly services: OutlookServices,
    private readonly people: Record<PersonKey, User>,
    private readonly callers: Record<CallerKind, Caller>,
    readonly calendarFeeds: CalendarFeedSettings,
    private readonly stop: () => Promise<void>,
  ) {}

  static async start(db: Database, databaseUrl: string, sandbox: Sandbox): Promise<CallerWorld> {
    const services = testOutlookServices(db, sandbox);
    await seedDemoData(db);
    const people = {} as Record<PersonKey, User>;
    for (const [key, person] of Object.entries(PEOPLE) as Array<[PersonKey, (typeof PEOPLE)[PersonKey]]>) {
      people[key] = await ensureUser(db, {
        platformUserId: `world-${key}`,
        email: person.mailbox,
        name: person.name,
        role: person.role,
        locale: "en",
      });
      if (key !== "dee") await connect(services, people[key]);
    }
    const sessions = Object.fromEntries(
      await Promise.all(
        Object.entries(people).map(async ([key, user]) => [key, await signSessionToken(SECRET, user)] as const),
      ),
    ) as Record<PersonKey, string>;
    const hr = await createServiceToken(db, { name: "world-hr", scopes: ["users:write"] });
    await setUserDeactivated(
      db,
      serviceViewer(hr.serviceToken.id, "world-hr", ["users:write"]),
      people.dee.platformUserId,
      true,
    );
    const service = async (scopes: ServiceScope[]) =>
      (await createServiceToken(db, { name: `world-${scopes.join("+") || "none"}`, scopes })).token;

    const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "accept-language": "en" });
    const tokens: Record<CallerKind, string | null> = {
      anonymous: null,
      learner: sessions.lea,
      otherLearner: sessions.noe,
      trainer: sessions.tom,
      otherTrainer: sessions.tia,
      admin: sessions.ada,
      deactivatedUser: sessions.dee,
      serviceWithoutScope: await service([]),
      serviceReader: await service(["formations:read"]),
      serviceWriter: await service(["formations:write"]),
      serviceReaderWriter: await service(["formations:read", "formations:write"]),
      serviceUserAdministrator: hr.token,
      microsoftConnected: await microsoftApiToken(sandbox, "lea@contoso.test"),
      microsoftUnknown: await microsoftApiToken(sandbox, "stranger@contoso.test"),
    };
    const callers = Object.fromEntries(
      CALLER_KINDS.map((kind): [CallerKind, Caller] => {
        const token = tokens[kind];
        const { owner, foreign } = OWNERS[kind];
        return [
          kind,
          {
            kind,
            headers: token ? bearer(token) : { "accept-language": "en" },
            owner: people[owner],
            foreign: people[foreign],
          },
        ];
      }),
    ) as Record<CallerKind, Caller>;

    // Jobs are queued, never run: what is checked is who may ask, not what the sync then does.
    const sync = await startQueueOnlySync(services, databaseUrl);
    const statusFeed = new IntegrationStatusFeed(db);
    await statusFeed.start();
    const verifier = createMicrosoftTokenVerifier(
      addinAuthSettings({ clientId: TEST_APP.clientId, tenant: "common", authorityHost: sandbox.url }),
    );
    const calendarFeeds = {
      origin: "https://agenda.example.test",
      platformUrl: "https://platform.example.test",
      sealer: services.vault,
    };
    const app = createApp({
      db,
      authenticator: createAuthenticator({ secret: SECRET }, verifier),
      demo: createDemoMode(db, SECRET),
      outlook: services,
      sync,
      statusFeed,
      queue: sync.queue,
      calendarFeeds,
    });
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stop = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([sync.stop(), statusFeed.stop()]);
    };
    return new CallerWorld(url, db, sandbox, services, people, callers, calendarFeeds, stop);
  }

  caller(kind: CallerKind): Caller {
    return this.callers[kind];
  }

  async close(): Promise<void> {
    await this.stop();
  }

  /** The user whose data is `ownership` to `caller`. */
  personFor(caller: Caller, ownership: Ownership): User {
    return ownership === "owned" ? caller.owner : caller.foreign;
  }

  /** A new personal event of that person, in December 2026. */
  async eventOf(person: User): Promise<string> {
    const event = await createEvent(
      this.db,
      person,
      createEventInput.parse({
        title: "Point",
        startsAt: "2026-12-10T10:00:00+01:00",
        endsAt: "2026-12-10T11:00:00+01:00",
      }),
    );
    return event.id;
  }

  /** A new formation the person takes part in: as its trainer when the platform made them one, as a learner otherwise. */
  async formationOf(person: User): Promise<string> {
    const named = { platformUserId: person.platformUserId, email: person.email, name: person.name };
    const formation = await upsertFormation(
      this.db,
      serviceViewer("world-catalogue", "world-catalogue", ["formations:write"]),
      upsertFormationInput.parse({
        title: "Formation",
        startsAt: "2026-12-15T09:00:00+01:00",
        endsAt: "2026-12-15T12:00:00+01:00",
        timeZone: "Europe/Paris",
        ...(person.role === "trainer" ? { trainer: named } : { learners: [named] }),
      }),
    );
    return formation.id;
  }

  /** Turns the person's calendar feed on, when it is not. */
  async calendarFeedOf(person: User): Promise<void> {
    if (await getCalendarFeed(this.db, this.services.vault, person.id)) return;
    await issueCalendarFeedSecret(this.db, this.services.vault, {
      userId: person.id,
      requestId: "authorization-world",
    });
  }

  /** A new sync conflict of that person's, not yet reviewed. */
  async conflictOf(person: User): Promise<string> {
    const version = {
      title: "Point",
      location: null,
      startsAt: "2026-12-01T09:00:00.000Z",
      endsAt: "2026-12-01T10:00:00.000Z",
      isAllDay: false,
      modifiedAt: null,
    };
    const [conflict] = await this.db
      .insert(syncConflicts)
      .values({
        ownerId: person.id,
        kind: "edited_on_both_sides",
        winner: "outlook",
        platformVersion: version,
        outlookVersion: version,
      })
      .returning({ id: syncConflicts.id });
    return conflict?.id ?? "";
  }

  /** A new conflict of that person's about one of their events, where the agenda's version lost: it can be taken back. */
  async resolvableConflictOf(person: User): Promise<string> {
    const eventId = await this.eventOf(person);
    const version = {
      title: "Point",
      location: null,
      startsAt: "2026-12-10T09:00:00.000Z",
      endsAt: "2026-12-10T10:00:00.000Z",
      isAllDay: false,
      modifiedAt: null,
    };
    const [conflict] = await this.db
      .insert(syncConflicts)
      .values({
        ownerId: person.id,
        eventId,
        kind: "edited_on_both_sides",
        winner: "outlook",
        platformVersion: { ...version, title: "Point (agenda)" },
        outlookVersion: version,
      })
      .returning({ id: syncConflicts.id });
    return conflict?.id ?? "";
  }

  /** What Microsoft's redirect brings back to the person who began connecting Outlook just now. */
  async outlookAnswerFor(person: User): Promise<{ state: string; code: string }> {
    const { url } = await beginOutlookConnection(this.services, person);
    const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: person.email });
    return { state: response.get("state") ?? "", code: response.get("code") ?? "" };
  }

  /** Connects the person's Outlook again (after a test disconnected it), if the world had it connected. */
  async reconnect(person: User): Promise<void> {
    if (person.id !== this.people.dee.id) await connect(this.services, person);
  }

  /** A new audit entry about that person; its id, as `auditLog.list` answers it. */
  async auditEntryOf(person: User): Promise<string> {
    await recordAudit(this.db, {
      userId: person.id,
      actorUserId: person.id,
      action: "outlook.settings_changed",
      outcome: "success",
      detail: { changes: {} },
    });
    const [entry] = await this.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(eq(auditLog.userId, person.id))
      .orderBy(desc(auditLog.id))
      .limit(1);
    return String(entry?.id);
  }

  /** A new service token, still usable; its id. */
  async serviceTokenOf(): Promise<string> {
    return (await createServiceToken(this.db, { name: "world-spare", scopes: ["formations:read"] })).serviceToken.id;
  }

  /** A platform user nobody else uses, for procedures that change a user. */
  async newPerson(): Promise<User> {
    const id = `world-extra-${Math.random().toString(36).slice(2)}`;
    return ensureUser(this.db, { platformUserId: id, email: `${id}@example.test`, name: "Extra", role: "learner" });
  }
}

function serviceViewer(serviceTokenId: string, serviceName: string, scopes: ServiceScope[]): Viewer {
  return { kind: "service", serviceTokenId, serviceName, scopes };
}

async function connect(services: OutlookServices, user: User): Promise<void> {
  const { url } = await beginOutlookConnection(services, user);
  const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: user.email });
  await completeOutlookConnection(services, user.id, {
    state: response.get("state") ?? "",
    code: response.get("code") ?? "",
  });
}

/** An access token for the product's API, as the Outlook add-in gets one after a real sign-in at the sandbox. */
async function microsoftApiToken(sandbox: Sandbox, userPrincipalName: string): Promise<string> {
  const url = new URL(`${sandbox.authority()}/oauth2/v2.0/authorize`);
  const scope = `api://${TEST_APP.clientId}/access_as_user openid profile`;
  for (const [name, value] of Object.entries({
    client_id: TEST_APP.clientId,
    response_type: "code",
    redirect_uri: TEST_REDIRECT_URI,
    scope,
  }))
    url.searchParams.set(name, value);
  const { response } = await signInThroughAuthorizePage(url.toString(), { userPrincipalName });
  const answer = await fetch(`${sandbox.authority()}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: TEST_APP.clientId,
      client_secret: TEST_APP.secrets[0] ?? "",
      code: response.get("code") ?? "",
      redirect_uri: TEST_REDIRECT_URI,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

/**
 * The world for the current test file, started once before its tests on the file's own database and sandbox, and
 * stopped after them.
 */
export function useCallerWorld(
  database: () => { db: Database; url: string },
  sandbox: () => Sandbox,
): () => CallerWorld {
  let world: CallerWorld | undefined;
  beforeAll(async () => {
    world = await CallerWorld.start(database().db, database().url, sandbox());
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });
  return () => {
    if (!world) throw new Error("useCallerWorld(): the world starts in beforeAll; read it inside a test.");
    return world;
  };
}

/** What one call over HTTP answered: its status, the API's error code when refused, its data when it succeeded. */
export interface Answer {
  status: number;
  appCode?: string;
  data?: unknown;
}

export type ProcedureType = "query" | "mutation" | "subscription";

/** Calls a procedure through the typed API's door, as tRPC's HTTP links do (a subscription: its first event). */
export async function callProcedure(
  url: string,
  type: ProcedureType,
  path: string,
  input: unknown,
  headers: Record<string, string>,
): Promise<Answer> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  if (type === "subscription") return firstStreamEvent(`${url}/trpc/${path}${query}`, headers);
  const response =
    type === "query"
      ? await fetch(`${url}/trpc/${path}${query}`, { headers })
      : await fetch(`${url}/trpc/${path}`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: input === undefined ? undefined : JSON.stringify(input),
        });
  const body = (await response.json()) as { result?: { data: unknown }; error?: { data?: { appCode?: string } } };
  return { status: response.status, appCode: body.error?.data?.appCode, data: body.result?.data };
}

/** Calls a REST door. */
export async function callRest(
  url: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as { error?: { code?: string } }) : undefined;
  return { status: response.status, appCode: parsed?.error?.code, data: response.ok ? parsed : undefined };
}

/** Opens a server-sent events stream and reads until its first data or error event. */
async function firstStreamEvent(url: string, headers: Record<string, string>): Promise<Answer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  try {
    const response = await fetch(url, { headers: { ...headers, accept: "text/event-stream" }, signal: abort.signal });
    if (!response.headers.get("content-type")?.includes("text/event-stream")) {
      const body = (await response.json()) as { error?: { data?: { appCode?: string } } };
      return { status: response.status, appCode: body.error?.data?.appCode };
    }
    const reader = response.body?.getReader();
    let text = "";
    while (reader) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
      if (error?.[1]) {
        const serialized = JSON.parse(error[1]) as { data?: { appCode?: string; httpStatus?: number } };
        return { status: serialized.data?.httpStatus ?? 500, appCode: serialized.data?.appCode };
      }
      const data = /(?:^|\n)data: (\{.*\})\n/.exec(text.replace(/event: connected\ndata: .*\n/, ""));
      if (data?.[1]) return { status: response.status, data: JSON.parse(data[1]) };
    }
    return { status: response.status };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
