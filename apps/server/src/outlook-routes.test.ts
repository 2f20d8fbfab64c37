import { createAuthenticator, signSessionToken } from "@agenda/api";
import { ensureUser } from "@agenda/domain/users";
import { MicrosoftIdentity } from "@agenda/graph/microsoft-identity";
import { signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import { OutlookServices } from "@agenda/sync/outlook-services";
import type { Sync } from "@agenda/sync";
import { startQueueOnlySync } from "@agenda/sync/testing/sync";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import { createTokenVault, generateVaultKey, parseVaultKey } from "@agenda/sync/token-vault";
import { useTestDatabase } from "@agenda/testing/database";
import { TEST_APP, TEST_REDIRECT_URI, useSandbox } from "@agenda/testing/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";

const database = useTestDatabase();
const sandbox = useSandbox([{ userPrincipalName: "lea@contoso.test", displayName: "Léa" }]);
const SECRET = "outlook-routes-test-secret-long-enough-for-hs256";

let app: ReturnType<typeof createApp>;
let learner: Record<string, string>;
let admin: Record<string, string>;
let sync: Sync | undefined;

beforeAll(async () => {
  const { db } = database();
  const identity = new MicrosoftIdentity({
    clientId: TEST_APP.clientId,
    clientSecret: TEST_APP.secrets[0] ?? "",
    authority: sandbox().authority(),
    knownAuthorities: [sandbox().knownAuthority],
    redirectUri: TEST_REDIRECT_URI,
  });
  const outlook = new OutlookServices(
    db,
    identity,
    createTokenVault(parseVaultKey(generateVaultKey("t"))),
    sandbox().url,
  );
  sync = await startQueueOnlySync(outlook, database().url);
  app = createApp({ db, authenticator: createAuthenticator({ secret: SECRET }), demo: null, outlook, sync });
  const lea = await ensureUser(db, { platformUserId: "lea", email: "lea@contoso.test", name: "Léa", role: "learner" });
  const boss = await ensureUser(db, {
    platformUserId: "boss",
    email: "boss@example.test",
    name: "Boss",
    role: "admin",
    locale: "en",
  });
  learner = { authorization: `Bearer ${await signSessionToken(SECRET, lea)}`, "content-type": "application/json" };
  admin = { authorization: `Bearer ${await signSessionToken(SECRET, boss)}` };
});

afterAll(() => sync?.stop(1_000));

describe("the spec's Outlook endpoints", () => {
  it("connect, list, configure and disconnect through REST", async () => {
    const authUrl = await app.request("/api/calendar/outlook/auth-url", { headers: learner });
    expect(authUrl.status).toBe(200);
    const { url } = (await authUrl.json()) as { url: string };
    expect(new URL(url).searchParams.get("code_challenge_method")).toBe("S256");

    const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: "lea@contoso.test" });
    const callback = await app.request("/api/calendar/outlook/callback", {
      method: "POST",
      headers: learner,
      body: JSON.stringify(Object.fromEntries(response)),
    });
    expect(callback.status).toBe(200);
    const connected = (await callback.json()) as Record<string, unknown>;
    expect(connected).toMatchObject({ status: "active", account: { email: "lea@contoso.test" } });
    expect(JSON.stringify(connected)).not.toMatch(/token|secret/i);

    const listed = (await (await app.request("/api/calendar/integrations", { headers: learner })).json()) as {
      integrations: unknown[];
    };
    expect(listed.integrations).toHaveLength(1);

    const calendars = (await (
      await app.request("/api/calendar/outlook/calendars", { headers: learner })
    ).json()) as Array<{ id: string; isDefault: boolean }>;
    const settings = await app.request("/api/calendar/integrations/outlook/settings", {
      method: "PUT",
      headers: learner,
      body: JSON.stringify({
        exportEnabled: false,
        exportCalendarId: calendars.find(({ isDefault }) => isDefault)?.id,
      }),
    });
    expect(await settings.json()).toMatchObject({ settings: { exportEnabled: false } });

    const formation = await upsertFormation(
      database().db,
      { kind: "service", serviceTokenId: "t", serviceName: "t", scopes: ["formations:write"] },
      upsertFormationInput.parse({
        title: "Excel",
        startsAt: "2026-12-14T09:00:00+01:00",
        endsAt: "2026-12-14T12:00:00+01:00",
        timeZone: "Europe/Paris",
        learners: [{ platformUserId: "lea", email: "lea@contoso.test", name: "Léa" }],
      }),
    );
    const exported = await app.request("/api/calendar/outlook/export-formation", {
      method: "POST",
      headers: learner,
      body: JSON.stringify({ formationId: formation.id }),
    });
    expect(exported.status).toBe(200);
    expect(await exported.json()).toMatchObject({ subject: "Excel" });
    // Queued and answered at once; the settings change above queued an import already, which this one joins.
    const imported = await app.request("/api/calendar/outlook/import", { method: "POST", headers: learner });
    const { integrationId, runId } = (await imported.json()) as { integrationId: string; runId: string | null };
    expect(runId).toBeNull();
    // The waiting job, run as a worker takes it.
    expect(await sync?.engine.handlers().import({ integrationId, trigger: "change" })).toMatchObject({
      created: 0,
      deleted: 0,
    });
    const runs = (await (await app.request("/api/calendar/sync/runs", { headers: learner })).json()) as {
      runs: Array<{ kind: string; status: string }>;
    };
    expect(runs.runs.map(({ kind, status }) => `${kind}:${status}`)).toEqual(["import:succeeded", "export:succeeded"]);

    const everyone = (await (await app.request("/api/admin/integrations", { headers: admin })).json()) as {
      integrations: Array<{ user: { email: string } }>;
    };
    expect(everyone.integrations.map(({ user }) => user.email)).toEqual(["lea@contoso.test"]);
    expect((await app.request("/api/admin/integrations", { headers: learner })).status).toBe(403);

    const disconnected = await app.request("/api/calendar/integrations/outlook?removeExportedFormations=true", {
      method: "DELETE",
      headers: learner,
    });
    expect(await disconnected.json()).toEqual({ removedFromOutlook: 1, notRemovedFromOutlook: 0 });
    const again = await app.request("/api/calendar/integrations/outlook", { method: "DELETE", headers: learner });
    expect(again.status).toBe(412);
    expect(await again.json()).toMatchObject({
      error: {
        code: "OUTLOOK_NOT_CONNECTED",
        message: "Aucun calendrier Outlook n'est connecté : connectez-vous d'abord à Outlook.",
      },
    });
  });

  it("refuses a forged callback with a clear message and stores nothing", async () => {
    const response = await app.request("/api/calendar/outlook/callback", {
      method: "POST",
      headers: learner,
      body: JSON.stringify({ state: "forged", code: "stolen" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "OAUTH_STATE_INVALID" } });
    const declined = await app.request("/api/calendar/outlook/callback", {
      method: "POST",
      headers: learner,
      body: JSON.stringify({
        state: "forged",
        error: "access_denied",
        error_description: "AADSTS65004: User declined to consent.",
      }),
    });
    expect(declined.status).toBe(400);
  });
});
