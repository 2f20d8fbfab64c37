import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createAuthenticator, signSessionToken } from "@agenda/api";
import { auditLog } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser, type User } from "@agenda/domain/users";
import type { ServiceScope } from "@agenda/domain/viewer";
import { capturingLogger } from "@agenda/observability/capturing-logger";
import { useTestDatabase } from "@agenda/testing/database";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";
import { AuditRetention } from "./audit-retention";

const database = useTestDatabase();
const SECRET = "admin-api-test-secret-long-enough-for-hs256";
const log = capturingLogger("info");

let app: ReturnType<typeof createApp>;
let admin: User;
let lea: User;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const { db } = database();
  app = createApp({
    db,
    authenticator: createAuthenticator({ secret: SECRET }),
    demo: null,
    outlook: null,
    sync: null,
    logger: log.logger,
  });
  admin = await ensureUser(db, {
    platformUserId: "adm",
    email: "ada@example.test",
    name: "Ada",
    role: "admin",
    locale: "en",
  });
  lea = await ensureUser(db, { platformUserId: "lea", email: "lea@example.test", name: "Léa", role: "learner" });
  const tom = await ensureUser(db, { platformUserId: "tom", email: "tom@example.test", name: "Tom", role: "trainer" });
  tokens.admin = await signSessionToken(SECRET, admin);
  tokens.learner = await signSessionToken(SECRET, lea);
  tokens.trainer = await signSessionToken(SECRET, tom);
  for (const scopes of [[], ["formations:read"], ["formations:write"], ["users:write"]] as ServiceScope[][]) {
    tokens[`service ${scopes.join("+") || "without scope"}`] = (
      await createServiceToken(db, { name: `app-${scopes.length}`, scopes })
    ).token;
  }
});

const headers = (token: string | undefined, extra: Record<string, string> = {}) => ({
  ...(token ? { authorization: `Bearer ${token}` } : {}),
  "accept-language": "en",
  ...extra,
});
async function call(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  extra: Record<string, string> = {},
) {
  const response = await app.request(path, {
    method,
    headers: headers(token, body === undefined ? extra : { ...extra, "content-type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { error?: { code: string } },
  };
}

interface TokenView {
  id: string;
  name: string;
  status: string;
  lastUsedAt: string | null;
}

const DOORS = [
  { method: "GET", path: "/api/admin/audit-log?limit=5" },
  { method: "GET", path: "/api/admin/service-tokens" },
  { method: "POST", path: "/api/admin/service-tokens", body: { name: "door-check", scopes: [] } },
  { method: "DELETE", path: `/api/admin/service-tokens/${crypto.randomUUID()}` },
] as const;

describe("the admin doors for the audit log and service tokens", () => {
  it("let admins in, and tell learners, trainers, apps of every scope and strangers no", async () => {
    for (const door of DOORS) {
      const asAdmin = await call(door.method, door.path, tokens.admin, "body" in door ? door.body : undefined);
      // An unknown token is the only refusal an admin meets here.
      expect(asAdmin.status === 404 ? asAdmin.body.error?.code : asAdmin.status, `${door.method} ${door.path}`).toBe(
        door.method === "DELETE" ? "SERVICE_TOKEN_NOT_FOUND" : door.method === "POST" ? 201 : 200,
      );
      for (const [who, token] of Object.entries(tokens)) {
        if (who === "admin") continue;
        const refused = await call(door.method, door.path, token, "body" in door ? door.body : undefined);
        const expected = who.startsWith("service") ? [403, "USER_ONLY"] : [403, "ADMIN_ONLY"];
        expect([refused.status, refused.body.error?.code], `${door.method} ${door.path} as ${who}`).toEqual(expected);
      }
      const anonymous = await call(door.method, door.path, undefined, "body" in door ? door.body : undefined);
      expect([anonymous.status, anonymous.body.error?.code]).toEqual([401, "UNAUTHENTICATED"]);
    }
  });

  it("give a token that works at once, shown only in the creation's answer and never logged, and refused at once once revoked", async () => {
    const created = await call("POST", "/api/admin/service-tokens", tokens.admin, {
      name: "catalogue",
      scopes: ["formations:read"],
    });
    expect(created.status).toBe(201);
    const { token, serviceToken } = created.body as { token: string; serviceToken: TokenView };
    expect(serviceToken).toMatchObject({ name: "catalogue", status: "active", lastUsedAt: null });

    const me = await call("GET", "/api/me", token);
    expect(me.body).toMatchObject({ kind: "service", name: "catalogue", scopes: ["formations:read"] });
    const formations = await app.request(`/trpc/formations.list?input=${encodeURIComponent("{}")}`, {
      headers: headers(token),
    });
    expect(formations.status).toBe(200);
    // Its scope is all it has.
    const formation = {
      title: "Excel",
      startsAt: "2026-12-14T09:00:00+01:00",
      endsAt: "2026-12-14T12:00:00+01:00",
      timeZone: "Europe/Paris",
    };
    const upsert = await app.request("/trpc/formations.upsert", {
      method: "POST",
      headers: headers(token, { "content-type": "application/json" }),
      body: JSON.stringify(formation),
    });
    expect(upsert.status).toBe(403);

    const listed = (await call("GET", "/api/admin/service-tokens", tokens.admin)).body.serviceTokens as TokenView[];
    expect(listed.find(({ id }) => id === serviceToken.id)).toMatchObject({
      status: "active",
      lastUsedAt: expect.any(String),
    });
    expect(JSON.stringify(listed)).not.toContain(token);

    const revoked = await call("DELETE", `/api/admin/service-tokens/${serviceToken.id}`, tokens.admin);
    expect(revoked).toMatchObject({ status: 200, body: { id: serviceToken.id, status: "revoked" } });
    const refused = await call("GET", "/api/me", token);
    expect([refused.status, refused.body.error?.code]).toEqual([401, "TOKEN_INVALID"]);
    expect(log.text()).not.toContain(token);
  });

  it("refuses a token's input that is no app's name, scopes or future instant, in the caller's language", async () => {
    const refused = await call("POST", "/api/admin/service-tokens", tokens.admin, {
      name: "two words",
      scopes: ["everything"],
      expiresAt: "2001-01-01T00:00:00Z",
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("starting with a letter or a digit"),
    });
    expect(refused.body.error).toMatchObject({ message: expect.stringContaining("this date has already passed") });
  });

  it("list the audit log newest first with who did what in which request, filtered, through REST and tRPC", async () => {
    const requestId = `req-${crypto.randomUUID()}`;
    const created = await call(
      "POST",
      "/api/admin/service-tokens",
      tokens.admin,
      { name: "crm", scopes: ["formations:write"] },
      { "x-request-id": requestId },
    );
    const { serviceToken } = created.body as { serviceToken: TokenView };
    await call("DELETE", `/api/admin/service-tokens/${serviceToken.id}`, tokens.admin, undefined, {
      "x-request-id": `${requestId}-revoke`,
    });
    await recordAudit(database().db, {
      userId: lea.id,
      actorUserId: lea.id,
      action: "outlook.connect",
      outcome: "success",
    });

    const page = await call(
      "GET",
      `/api/admin/audit-log?userId=${admin.id}&action=service_token.&limit=1`,
      tokens.admin,
    );
    expect(page.status).toBe(200);
    expect(page.body.entries).toEqual([
      expect.objectContaining({ action: "service_token.revoked", requestId: `${requestId}-revoke` }),
    ]);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await call(
      "GET",
      `/api/admin/audit-log?userId=${admin.id}&action=service_token.&limit=1&cursor=${String(page.body.nextCursor)}`,
      tokens.admin,
    );
    expect(next.body.entries).toEqual([
      expect.objectContaining({
        action: "service_token.created",
        actor: { kind: "user", id: admin.id, label: "ada@example.test" },
        subject: { type: "service_token", id: serviceToken.id, label: "crm" },
        detail: { scopes: ["formations:write"], expiresAt: null },
        requestId,
      }),
    ]);

    const viaTrpc = await app.request(
      `/trpc/auditLog.list?input=${encodeURIComponent(JSON.stringify({ userEmail: "lea@example.test", action: "outlook.connect" }))}`,
      { headers: headers(tokens.admin) },
    );
    const { result } = (await viaTrpc.json()) as {
      result: { data: { entries: Array<{ action: string; user: { id: string } }> } };
    };
    expect(result.data.entries).toEqual([
      expect.objectContaining({ action: "outlook.connect", user: { id: lea.id, label: "lea@example.test" } }),
    ]);

    for (const query of [
      "limit=0",
      "limit=201",
      "limit=many",
      "cursor=abc",
      "userId=nope",
      "from=yesterday",
      "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
    ]) {
      const refused = await call("GET", `/api/admin/audit-log?${query}`, tokens.admin);
      expect([refused.status, refused.body.error?.code], query).toEqual([400, "INVALID_INPUT"]);
    }
  });

  it("also records an app's formation writes under its name, and the platform's sign-in of a new person", async () => {
    const { token } = (
      await call("POST", "/api/admin/service-tokens", tokens.admin, { name: "lms", scopes: ["formations:write"] })
    ).body as { token: string };
    const start = new Date(Date.now() + 86_400_000);
    const written = await app.request("/trpc/formations.upsert", {
      method: "POST",
      headers: headers(token, { "content-type": "application/json", "x-request-id": "lms-sync-1" }),
      body: JSON.stringify({
        title: "Sécurité",
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
        timeZone: "Europe/Paris",
        learners: [{ platformUserId: "zoe", email: "zoe@example.test", name: "Zoé" }],
      }),
    });
    expect(written.status).toBe(200);
    const entries = (await call("GET", "/api/admin/audit-log?userEmail=zoe@example.test", tokens.admin)).body
      .entries as Array<Record<string, unknown>>;
    expect(entries).toEqual([
      expect.objectContaining({
        action: "enrolment.added",
        actor: expect.objectContaining({ kind: "service", label: "lms" }),
        subject: expect.objectContaining({ label: "Sécurité" }),
        requestId: "lms-sync-1",
      }),
    ]);

    const zoe = await signSessionToken(SECRET, {
      platformUserId: "zoe-new",
      email: "zoe.new@example.test",
      name: "Zoé",
      role: "trainer",
      locale: "fr",
      timeZone: "Europe/Paris",
    } as User);
    await call("GET", "/api/me", zoe, undefined, { "x-request-id": "first-visit" });
    const signedIn = (await call("GET", "/api/admin/audit-log?userEmail=zoe.new@example.test", tokens.admin)).body
      .entries;
    expect(signedIn).toEqual([
      expect.objectContaining({ action: "user.first_sign_in", requestId: "first-visit", detail: { role: "trainer" } }),
    ]);
  });
});

describe("npm run service-token", () => {
  const cli = fileURLToPath(new URL("./service-token-cli.ts", import.meta.url));
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", cli, ...args], {
      env: { ...process.env, DATABASE_URL: database().url },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );

  it(
    "creates a token printed alone on standard output, lists it, and revokes it, each audited as the command line",
    { timeout: 60_000 },
    async () => {
      const created = await run(
        "create",
        "--name",
        "payroll",
        "--scopes",
        "users:write",
        "--expires-at",
        "2099-01-01T00:00:00Z",
      );
      expect(created.code, created.stderr).toBe(0);
      const token = created.stdout.trim();
      expect(token).toMatch(/^agd_svc_[\w-]{43}$/);
      expect(created.stderr).toContain("payroll");
      expect((await call("GET", "/api/me", token)).body).toMatchObject({
        kind: "service",
        name: "payroll",
        scopes: ["users:write"],
      });

      const listed = await run("list");
      const line = listed.stdout.split("\n").find((row) => row.includes("payroll")) ?? "";
      expect(line).toContain("active");
      expect(line).toContain("expires 2099-01-01T00:00:00.000Z");
      expect(listed.stdout).not.toContain(token);

      const id = line.split("\t")[0] ?? "";
      const revoked = await run("revoke", id);
      expect(revoked.stdout).toContain("Revoked payroll");
      expect((await call("GET", "/api/me", token)).status).toBe(401);

      const rows = await database()
        .db.select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectId, id)));
      expect(rows.map(({ action, actorKind, actorLabel }) => ({ action, actorKind, actorLabel }))).toEqual([
        { action: "service_token.created", actorKind: "system", actorLabel: expect.stringMatching(/^command line \(/) },
        { action: "service_token.revoked", actorKind: "system", actorLabel: expect.stringMatching(/^command line \(/) },
      ]);
    },
  );

  it("says what is wrong with a command, and exits 2", { timeout: 60_000 }, async () => {
    expect(await run("create", "--name", "no scopes given", "--scopes", "")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Invalid token"),
    });
    expect(await run("revoke", crypto.randomUUID())).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("No service token has the id"),
    });
    expect(await run("rotate")).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage:") });
    expect(await run("list", "--verbose")).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage:") });
  });
});

describe("the audit log's retention", () => {
  it("purges entries past the retention period on the schedule's queue", { timeout: 60_000 }, async () => {
    const { db, url } = database();
    await recordAudit(db, { userId: lea.id, action: "outlook.disconnect", outcome: "success" });
    await db
      .update(auditLog)
      .set({ occurredAt: new Date(Date.now() - 31 * 86_400_000) })
      .where(and(eq(auditLog.userId, lea.id), eq(auditLog.action, "outlook.disconnect")));
    const retention = await AuditRetention.start({ databaseUrl: url, db, retentionDays: 30, logger: log.logger });
    try {
      await retention.purgeNow();
      await expect
        .poll(async () => (await db.select().from(auditLog).where(eq(auditLog.action, "outlook.disconnect"))).length, {
          timeout: 20_000,
          interval: 250,
        })
        .toBe(0);
      await expect
        .poll(async () => (await db.select().from(auditLog).where(eq(auditLog.action, "audit_log.purged"))).length, {
          timeout: 5_000,
        })
        .toBe(1);
    } finally {
      await retention.stop();
    }
  });
});
