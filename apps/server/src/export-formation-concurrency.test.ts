import type { AddressInfo } from "node:net";
import { createAuthenticator, signSessionToken, type AppRouter } from "@agenda/api";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import type { Sync } from "@agenda/sync";
import { connectTestUser, testOutlookServices } from "@agenda/sync/testing/connect";
import { startQueueOnlySync } from "@agenda/sync/testing/sync";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxMailboxEvents, useSandbox } from "@agenda/testing/sandbox";
import { serve, type ServerType } from "@hono/node-server";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";

const database = useTestDatabase();
const sandbox = useSandbox([{ userPrincipalName: "noa@contoso.test", displayName: "Noa" }]);
const SECRET = "export-concurrency-test-secret-long-enough";
/** More pushes at once than the test database's pool has connections (5): they join one run, which the export job waits for or makes wait. */
const CONCURRENT_PUSHES = 6;

let server: ServerType;
let origin: string;
let sync: Sync;
let noa: Awaited<ReturnType<typeof connectTestUser>>;

beforeAll(async () => {
  const { db } = database();
  const outlook = testOutlookServices(db, sandbox());
  sync = await startQueueOnlySync(outlook, database().url);
  const app = createApp({ db, authenticator: createAuthenticator({ secret: SECRET }), demo: null, outlook, sync });
  server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  noa = await connectTestUser(outlook, { name: "Noa", mailbox: "noa@contoso.test" });
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await sync?.stop(1_000);
});

describe("sync.exportFormation pushed many times at once (the add-in's one-click push, clicked impatiently)", () => {
  it("creates one Outlook event, and every call and the export job agree on it", { timeout: 60_000 }, async () => {
    const { user, integration } = noa;
    const formation = await upsertFormation(
      database().db,
      { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] },
      upsertFormationInput.parse({
        externalId: "concurrent-push",
        title: "Gestes et postures",
        timeZone: "Europe/Paris",
        startsAt: "2026-12-16T09:00:00+01:00",
        endsAt: "2026-12-16T12:00:00+01:00",
        learners: [{ platformUserId: user.platformUserId, email: user.email, name: user.name }],
      }),
    );
    const api = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${origin}/trpc`,
          headers: { authorization: `Bearer ${await signSessionToken(SECRET, user)}` },
        }),
      ],
    });

    const [job, ...pushes] = await Promise.all([
      // The automatic export (a formation change, a connection) racing the clicks.
      sync.engine.handlers().export({ integrationId: integration.id, trigger: "change" }),
      ...Array.from({ length: CONCURRENT_PUSHES }, () =>
        api.sync.exportFormation.mutate({ formationId: formation.id }),
      ),
    ]);

    const events = await sandboxMailboxEvents(sandbox(), "noa@contoso.test");
    expect(events).toEqual([expect.objectContaining({ subject: "Gestes et postures" })]);
    expect(pushes).toHaveLength(CONCURRENT_PUSHES);
    for (const pushed of pushes)
      expect(pushed).toMatchObject({ id: events[0]?.immutableId, subject: "Gestes et postures" });
    expect(job).toMatchObject({ issues: 0 });
  });
});
