import {
  GRAPH_AUDIENCE,
  startSandbox,
  type NewDirectoryUser,
  type RegisteredClient,
  type Sandbox,
  type SandboxOptions,
} from "@agenda/microsoft-sandbox";
import { afterAll, beforeAll } from "vitest";

/** The app registration tests connect as (the sandbox ignores the port of loopback redirect URIs, as Azure does). */
export const TEST_APP: RegisteredClient = {
  clientId: "0e4b3c2a-1f5d-4a6b-8c7d-9e0f1a2b3c4d",
  displayName: "Agenda (tests)",
  secrets: ["agenda-test-client-secret"],
  redirectUris: ["http://127.0.0.1/calendar/callback/outlook"],
  permissions: ["User.Read", "Calendars.ReadWrite"],
};
export const TEST_REDIRECT_URI = "http://127.0.0.1:3000/calendar/callback/outlook";

/** A Microsoft sandbox of the test file's own, started in-process over HTTPS with the given mailboxes. */
export function useSandbox(users: NewDirectoryUser[], options: Omit<SandboxOptions, "users"> = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ ...options, users, identity: { clients: [TEST_APP], ...options.identity } });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  return () => {
    if (!sandbox) throw new Error("useSandbox(): the sandbox starts in beforeAll; read it inside a test.");
    return sandbox;
  };
}

/** Calls the sandbox's admin REST API, failing loudly when it refuses. Only its URL is needed (it may run elsewhere). */
export async function sandboxAdmin(
  sandbox: Pick<Sandbox, "url">,
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/admin/api${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`sandbox admin ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/**
 * An event as the sandbox's owner API lists it (`GET /admin/api/mailboxes/{mailbox}/events`): Graph's event, with its
 * immutable id and calendar. The fields tests read.
 */
export interface SandboxMailboxEvent {
  id: string;
  immutableId: string;
  calendarId: string;
  changeKey: string;
  type: string;
  subject: string;
  body: { contentType: string; content: string };
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  originalStartTimeZone: string;
  isAllDay: boolean;
  location: { displayName: string };
  categories: string[];
  showAs: string;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  isOnlineMeeting: boolean;
  onlineMeeting: { joinUrl: string } | null;
  attendees: Array<{ type: string; emailAddress: { name: string; address: string } }>;
  recurrence: {
    pattern: { type: string; interval: number; daysOfWeek?: string[] };
    range: { type: string; startDate: string };
  } | null;
  transactionId?: string;
  singleValueExtendedProperties?: Array<{ id: string; value: string }>;
}

/** Every event (and series master) of a sandbox mailbox, as its owner sees them in Outlook. */
export async function sandboxMailboxEvents(
  sandbox: Pick<Sandbox, "url">,
  mailbox: string,
): Promise<SandboxMailboxEvent[]> {
  return ((await sandboxAdmin(sandbox, "GET", `/mailboxes/${mailbox}/events`)) as { value: SandboxMailboxEvent[] })
    .value;
}

/**
 * A Graph access token for a sandbox mailbox, signed by the sandbox's identity keys as its token endpoint would:
 * for tests of Graph calls, where the sign-in itself is not what is tested.
 */
export async function mintGraphToken(
  sandbox: Sandbox,
  userPrincipalName: string,
  lifetimeSeconds = 3600,
): Promise<string> {
  const user = sandbox.directory.findByUserPrincipalName(userPrincipalName);
  if (!user) throw new Error(`no sandbox mailbox ${userPrincipalName}`);
  return sandbox.signing.sign(
    {
      oid: user.id,
      tid: user.tenantId,
      azp: TEST_APP.clientId,
      scp: "Calendars.ReadWrite User.Read",
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${user.tenantId}/`,
    },
    lifetimeSeconds,
  );
}
