import { createHash } from "node:crypto";
import { auditLog, calendarIntegrations, oauthStates } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { ensureUser, type User } from "@agenda/domain/users";
import { MicrosoftIdentity } from "@agenda/graph/microsoft-identity";
import { signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import { useTestDatabase } from "@agenda/testing/database";
import { TEST_APP, TEST_REDIRECT_URI, sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  listIntegrations,
  listOutlookCalendars,
  updateOutlookSettings,
  updateOutlookSettingsInput,
} from "./integrations";
import { beginOutlookConnection, completeOutlookConnection, disconnectOutlook } from "./outlook-connection";
import { OutlookServices } from "./outlook-services";
import { createTokenVault, generateVaultKey, parseVaultKey } from "./token-vault";

const database = useTestDatabase();
const sandbox = useSandbox(
  ["ana", "ben", "carla", "dan", "eve", "fay", "gus", "hana"].map((name) => ({
    userPrincipalName: `${name}@contoso.test`,
    displayName: name,
  })),
);
const vault = createTokenVault(parseVaultKey(generateVaultKey("test")));

function servicesFor(options: { clientSecret?: string } = {}): OutlookServices {
  const identity = new MicrosoftIdentity({
    clientId: TEST_APP.clientId,
    clientSecret: options.clientSecret ?? TEST_APP.secrets[0] ?? "",
    authority: sandbox().authority(),
    knownAuthorities: [sandbox().knownAuthority],
    redirectUri: TEST_REDIRECT_URI,
  });
  return new OutlookServices(database().db, identity, vault, sandbox().url);
}

let services: OutlookServices;
beforeAll(() => {
  services = servicesFor();
});

async function platformUser(name: string): Promise<User> {
  return ensureUser(database().db, {
    platformUserId: `p-${name}`,
    email: `${name}@contoso.test`,
    name,
    role: "learner",
  });
}

/** The whole flow as a browser would run it: platform → Microsoft sign-in page → redirect → callback. */
async function connect(user: User, mailbox = user.email, decision: "accept" | "cancel" = "accept") {
  const { url } = await beginOutlookConnection(services, user);
  const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: mailbox, decision });
  return completeOutlookConnection(services, user.id, {
    state: response.get("state") ?? "",
    code: response.get("code") ?? undefined,
    error: response.get("error") ?? undefined,
    errorDescription: response.get("error_description") ?? undefined,
  });
}

async function expectDomainError(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((error) => error instanceof DomainError && error.code === code);
}

/** Until a query of this database waits for a lock another transaction holds. */
async function waitForALockWait(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await database().db.execute<{ waiting: number }>(
      sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if (row?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("no query waited for a lock");
}

async function liveRefreshTokens(upn: string): Promise<number> {
  const { value } = (await sandboxAdmin(sandbox(), "GET", "/identity/grants")) as {
    value: Array<{ userPrincipalName: string; liveRefreshTokens: number }>;
  };
  return value.find((grant) => grant.userPrincipalName === upn)?.liveRefreshTokens ?? 0;
}

describe("connecting Outlook", () => {
  it("runs the code + PKCE flow through MSAL and stores the account with its tokens sealed", async () => {
    const ana = await platformUser("ana");
    const integration = await connect(ana);
    expect(integration).toMatchObject({
      status: "active",
      account: { email: "ana@contoso.test", name: "ana" },
      settings: { importEnabled: true, exportEnabled: true },
    });
    expect(integration.scopes).toEqual(expect.arrayContaining(["Calendars.ReadWrite", "User.Read"]));
    expect(await listIntegrations(database().db, ana.id)).toHaveLength(1);

    const calendars = await listOutlookCalendars(services, ana.id);
    expect(calendars.some(({ isDefault }) => isDefault)).toBe(true);

    const [audit] = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, ana.id), eq(auditLog.action, "outlook.connect")));
    expect(audit).toMatchObject({ outcome: "success", detail: { account: "ana@contoso.test" } });
  });

  it("leaves no token in clear anywhere in the database", async () => {
    const ben = await platformUser("ben");
    const integration = await connect(ben);
    const accessToken = await services.accessToken(integration.id);
    const [row] = await database()
      .db.select()
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.id, integration.id));
    const cache = JSON.parse(vault.open(row?.encryptedTokenCache ?? "", integration.id)) as Record<
      string,
      Record<string, { secret: string }>
    >;
    const secrets = [
      accessToken,
      ...Object.values(cache.RefreshToken ?? {}).map(({ secret }) => secret),
      ...Object.values(cache.IdToken ?? {}).map(({ secret }) => secret),
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(3);

    const tables = await database().db.execute<{ tablename: string }>(
      sql`select tablename from pg_tables where schemaname = 'public'`,
    );
    let dump = "";
    for (const { tablename } of tables) {
      const rows = await database().db.execute(sql.raw(`select t::text as line from "${tablename}" t`));
      dump += rows.map((entry) => String(entry.line)).join("\n");
    }
    expect(dump).toContain(integration.id);
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });

  it("refreshes silently once the access token nears expiry, with one refresh for concurrent callers in and across processes", async () => {
    // MSAL refreshes a token within 5 minutes of its expiry, on a clock floored to whole seconds: a 302 s token is
    // good for at least 2 s after it is issued and due for refresh 3 s after.
    await sandboxAdmin(sandbox(), "PATCH", "/identity/settings", { accessTokenLifetimeSeconds: 302 });
    try {
      const carla = await platformUser("carla");
      const integration = await connect(carla);
      const atConnect = await liveRefreshTokens("carla@contoso.test");
      const first = await services.accessToken(integration.id);
      expect(await liveRefreshTokens("carla@contoso.test")).toBe(atConnect);

      await new Promise((resolve) => setTimeout(resolve, 3100));
      const otherProcess = servicesFor();
      const tokens = await Promise.all([
        services.accessToken(integration.id),
        services.accessToken(integration.id),
        otherProcess.accessToken(integration.id),
      ]);
      expect(await liveRefreshTokens("carla@contoso.test")).toBe(atConnect + 1);
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(first);

      const graphMe = await services.graphFor(integration.id).api("/me").get();
      expect(graphMe).toMatchObject({ userPrincipalName: "carla@contoso.test" });
    } finally {
      await sandboxAdmin(sandbox(), "PATCH", "/identity/settings", { accessTokenLifetimeSeconds: 3600 });
    }
  });

  it("turns a revoked grant into needs_reauth with its reason, and stops using the integration", async () => {
    const dan = await platformUser("dan");
    const integration = await connect(dan);
    const fresh = servicesFor();
    await sandboxAdmin(sandbox(), "POST", "/identity/grants/revoke", { user: "dan@contoso.test" });

    await expectDomainError(fresh.accessToken(integration.id, { forceRefresh: true }), "OUTLOOK_NEEDS_REAUTH");
    const [view] = await listIntegrations(database().db, dan.id);
    expect(view).toMatchObject({ status: "needs_reauth", statusReason: expect.stringContaining("AADSTS50173") });
    await expectDomainError(fresh.accessToken(integration.id), "OUTLOOK_NEEDS_REAUTH");
    const actions = await database()
      .db.select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.userId, dan.id));
    expect(actions.map(({ action }) => action)).toContain("outlook.needs_reauth");

    const reconnected = await connect(dan);
    expect(reconnected).toMatchObject({ id: integration.id, status: "active", statusReason: null });
    const [reconnect] = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, dan.id), eq(auditLog.action, "outlook.reconnect")));
    expect(reconnect).toMatchObject({
      outcome: "success",
      actorKind: "user",
      actorUserId: dan.id,
      actorLabel: dan.email,
    });
  });

  it("refuses a missing, reused, expired or foreign state, and a declined consent, storing nothing", async () => {
    const eve = await platformUser("eve");
    const fay = await platformUser("fay");
    await expectDomainError(
      completeOutlookConnection(services, eve.id, { state: "made-up", code: "x" }),
      "OAUTH_STATE_INVALID",
    );

    const { url } = await beginOutlookConnection(services, eve);
    const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: "eve@contoso.test" });
    const callback = { state: response.get("state") ?? "", code: response.get("code") ?? "" };
    await expectDomainError(completeOutlookConnection(services, fay.id, callback), "OAUTH_STATE_FOREIGN");
    await expectDomainError(completeOutlookConnection(services, eve.id, callback), "OAUTH_STATE_REUSED");

    const late = await beginOutlookConnection(services, eve);
    const lateState = new URL(late.url).searchParams.get("state") ?? "";
    await database()
      .db.update(oauthStates)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oauthStates.userId, eve.id));
    await expectDomainError(
      completeOutlookConnection(services, eve.id, { state: lateState, code: "x" }),
      "OAUTH_STATE_EXPIRED",
    );

    await expectDomainError(connect(eve, "eve@contoso.test", "cancel"), "OUTLOOK_CONSENT_DENIED");
    expect(await listIntegrations(database().db, eve.id)).toEqual([]);
    expect(await listIntegrations(database().db, fay.id)).toEqual([]);
  });

  it("refuses a code redeemed with another PKCE verifier, and says what to check when the client secret is wrong", async () => {
    const eve = await platformUser("eve");
    const { url } = await beginOutlookConnection(services, eve);
    const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: "eve@contoso.test" });
    const state = response.get("state") ?? "";
    const stateHash = createHash("sha256").update(state).digest("hex");
    await database()
      .db.update(oauthStates)
      .set({ sealedCodeVerifier: vault.seal("a-verifier-the-code-was-not-bound-to-0123456789abcdef", stateHash) })
      .where(eq(oauthStates.stateHash, stateHash));
    await expectDomainError(
      completeOutlookConnection(services, eve.id, { state, code: response.get("code") ?? "" }),
      "OUTLOOK_CODE_REJECTED",
    );

    const misconfigured = servicesFor({ clientSecret: "not-the-secret" });
    const attempt = await beginOutlookConnection(misconfigured, eve);
    const signedIn = await signInThroughAuthorizePage(attempt.url, { userPrincipalName: "eve@contoso.test" });
    await expectDomainError(
      completeOutlookConnection(misconfigured, eve.id, {
        state: signedIn.response.get("state") ?? "",
        code: signedIn.response.get("code") ?? "",
      }),
      "OUTLOOK_INVALID_CLIENT",
    );
    expect(await listIntegrations(database().db, eve.id)).toEqual([]);
  });

  it("validates settings against the account's calendars, audits them, and disconnects cleanly", async () => {
    const ana = await platformUser("ana");
    const [calendar] = await listOutlookCalendars(services, ana.id);
    await expectDomainError(
      updateOutlookSettings(
        services,
        ana.id,
        updateOutlookSettingsInput.parse({ importCalendarIds: ["no-such-calendar"] }),
      ),
      "OUTLOOK_CALENDAR_UNKNOWN",
    );
    const updated = await updateOutlookSettings(
      services,
      ana.id,
      updateOutlookSettingsInput.parse({ importCalendarIds: [calendar?.id], autoSyncEnabled: false }),
    );
    expect(updated.settings).toMatchObject({ importCalendarIds: [calendar?.id], autoSyncEnabled: false });
    expect(updateOutlookSettingsInput.safeParse({}).success).toBe(false);

    expect(await disconnectOutlook(services, ana.id, { removeExportedFormations: true })).toEqual({
      removedFromOutlook: 0,
      notRemovedFromOutlook: 0,
    });
    const [row] = await database()
      .db.select()
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.userId, ana.id));
    expect(row).toMatchObject({ status: "disconnected", encryptedTokenCache: null });
    const actions = (
      await database().db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.userId, ana.id))
    ).map(({ action }) => action);
    expect(actions).toEqual(
      expect.arrayContaining(["outlook.connect", "outlook.settings_changed", "outlook.disconnect"]),
    );
    await expectDomainError(
      disconnectOutlook(services, ana.id, { removeExportedFormations: false }),
      "OUTLOOK_NOT_CONNECTED",
    );
  });

  it("connects a Microsoft account to one platform user at a time", async () => {
    const gus = await platformUser("gus");
    const other = await platformUser("gus.other");
    const first = await connect(gus);
    await expect(connect(other, "gus@contoso.test")).rejects.toSatisfy(
      (error) =>
        error instanceof DomainError &&
        error.code === "OUTLOOK_ACCOUNT_IN_USE" &&
        error.params.email === "gus@contoso.test",
    );
    expect(await listIntegrations(database().db, other.id)).toEqual([]);
    const [refusal] = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, other.id), eq(auditLog.action, "outlook.connect")));
    expect(refusal).toMatchObject({ outcome: "failure", detail: { code: "OUTLOOK_ACCOUNT_IN_USE" } });

    expect(await connect(gus)).toMatchObject({ id: first.id, status: "active" });
    await disconnectOutlook(services, gus.id, { removeExportedFormations: false });
    expect(await connect(other, "gus@contoso.test")).toMatchObject({
      status: "active",
      account: { email: "gus@contoso.test" },
    });
    await expectDomainError(connect(gus), "OUTLOOK_ACCOUNT_IN_USE");
  });

  it("refuses the account to the second of two users connecting it at the same moment", async () => {
    const hana = await platformUser("hana");
    const other = await platformUser("hana.other");
    await connect(other, "hana@contoso.test");
    await database()
      .db.update(calendarIntegrations)
      .set({ status: "disconnected" })
      .where(eq(calendarIntegrations.userId, other.id));

    // The other user's reconnection is written but not committed yet when Hana's passes its check and writes.
    let wrote = () => {};
    let commit = () => {};
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const reconnection = database().db.transaction(async (tx) => {
      await tx.update(calendarIntegrations).set({ status: "active" }).where(eq(calendarIntegrations.userId, other.id));
      wrote();
      await committed;
    });
    await written;
    const connecting = connect(hana);
    await waitForALockWait();
    commit();
    await reconnection;
    await expectDomainError(connecting, "OUTLOOK_ACCOUNT_IN_USE");
    expect(await listIntegrations(database().db, hana.id)).toEqual([]);
  });
});
