import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, sandboxMailboxEvents, useSandbox, type SandboxMailboxEvent } from "@agenda/testing/sandbox";
import { beforeAll } from "vitest";
import { FORMATION_ID_PROPERTY, FORMATION_SESSION_ID_PROPERTY } from "../export/outlook-event-tags";
import type { OutlookServices } from "../connection/outlook-services";
import { testOutlookServices } from "./connect";

export const mailboxOf = (name: string) => `${name}@contoso.test`;

/**
 * A sync test file's world: a test database, a sandbox with one `<name>@contoso.test` mailbox per name, and the
 * product's Outlook services on both (ready once the file's `beforeAll` hooks ran). Call it at the file's top level.
 */
export function useTestMailboxes(names: string[]) {
  const database = useTestDatabase();
  const sandbox = useSandbox(names.map((name) => ({ userPrincipalName: mailboxOf(name), displayName: name })));
  let services: OutlookServices | undefined;
  beforeAll(() => {
    services = testOutlookServices(database().db, sandbox());
  });
  return {
    database,
    sandbox,
    services(): OutlookServices {
      if (!services) throw new Error("the Outlook services exist once the test file's beforeAll hooks ran");
      return services;
    },
    /** Every event of the person's sandbox mailbox. */
    mailboxEvents: (name: string) => sandboxMailboxEvents(sandbox(), mailboxOf(name)),
    /** A call to the sandbox's admin API. */
    admin: (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown) =>
      sandboxAdmin(sandbox(), method, path, body),
  };
}

/** The formation an Outlook event is the copy of, by the agenda's extended property. */
export function formationIdOf(event: SandboxMailboxEvent): string | undefined {
  return event.singleValueExtendedProperties?.find(({ id }) => id.toLowerCase() === FORMATION_ID_PROPERTY.toLowerCase())
    ?.value;
}

/** The formation session an Outlook event is the copy of, by the agenda's extended property. */
export function sessionIdOf(event: SandboxMailboxEvent): string | undefined {
  return event.singleValueExtendedProperties?.find(
    ({ id }) => id.toLowerCase() === FORMATION_SESSION_ID_PROPERTY.toLowerCase(),
  )?.value;
}
