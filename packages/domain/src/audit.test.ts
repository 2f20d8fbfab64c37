import { auditLog, users } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { and, asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listAuditLog, listAuditLogInput, purgeAuditLog, recordAudit } from "./audit";
import { withLogContext } from "./context";
import { upsertFormation, upsertFormationInput } from "./formations";
import { createServiceToken } from "./service-tokens";
import { ensureUser, type PlatformIdentity } from "./users";
import type { Viewer } from "./viewer";

const database = useTestDatabase();

const identity = (name: string, role: PlatformIdentity["role"] = "learner"): PlatformIdentity => ({
  platformUserId: `audit-${name}`,
  email: `${name}@example.test`,
  name,
  role,
});
const list = (input: Record<string, unknown>) => listAuditLog(database().db, listAuditLogInput.parse(input));

async function rowsAbout(userId: string) {
  return database().db.select().from(auditLog).where(eq(auditLog.userId, userId)).orderBy(asc(auditLog.id));
}

describe("the audit log", () => {
  it("says who acted as a label, names the request from the log context, and outlives the people it names", async () => {
    const { db } = database();
    const ana = await ensureUser(db, identity("ana"));
    const { serviceToken } = await createServiceToken(db, { name: "catalogue", scopes: ["formations:write"] });
    await withLogContext({ requestId: "req-42" }, () =>
      recordAudit(db, [
        {
          userId: ana.id,
          actorUserId: ana.id,
          action: "outlook.settings_changed",
          outcome: "success",
          detail: { changes: { importEnabled: false } },
        },
        {
          userId: ana.id,
          actorServiceTokenId: serviceToken.id,
          actorLabel: "catalogue",
          action: "enrolment.added",
          outcome: "success",
          subject: { type: "formation", id: "f1", label: "Excel" },
        },
      ]),
    );
    await recordAudit(db, { userId: ana.id, action: "outlook.needs_reauth", outcome: "failure", requestId: "given" });

    const rows = await rowsAbout(ana.id);
    expect(
      rows.map(({ action, actorKind, actorLabel, userLabel, requestId }) => ({
        action,
        actorKind,
        actorLabel,
        userLabel,
        requestId,
      })),
    ).toEqual([
      {
        action: "user.first_sign_in",
        actorKind: "user",
        actorLabel: "ana@example.test",
        userLabel: "ana@example.test",
        requestId: null,
      },
      {
        action: "outlook.settings_changed",
        actorKind: "user",
        actorLabel: "ana@example.test",
        userLabel: "ana@example.test",
        requestId: "req-42",
      },
      {
        action: "enrolment.added",
        actorKind: "service",
        actorLabel: "catalogue",
        userLabel: "ana@example.test",
        requestId: "req-42",
      },
      {
        action: "outlook.needs_reauth",
        actorKind: "system",
        actorLabel: null,
        userLabel: "ana@example.test",
        requestId: "given",
      },
    ]);
    expect(rows[2]).toMatchObject({
      actorServiceTokenId: serviceToken.id,
      subjectType: "formation",
      subjectId: "f1",
      subjectLabel: "Excel",
    });

    await db.delete(users).where(eq(users.id, ana.id));
    const kept = await db
      .select()
      .from(auditLog)
      .where(
        inArray(
          auditLog.id,
          rows.map(({ id }) => id),
        ),
      );
    expect(kept).toHaveLength(4);
    expect(kept.every((row) => row.userId === null && row.userLabel === "ana@example.test")).toBe(true);
    // Still found by the email they had.
    const page = await list({ userEmail: "ANA@example.test", action: "outlook.settings_changed" });
    expect(page.entries).toEqual([
      expect.objectContaining({
        action: "outlook.settings_changed",
        actor: { kind: "user", id: null, label: "ana@example.test" },
        user: { id: null, label: "ana@example.test" },
      }),
    ]);
  });

  it("keeps an app's name when its viewer names no token row (the demo seed, code minting formations)", async () => {
    const seed: Viewer = {
      kind: "service",
      serviceTokenId: "demo-seed",
      serviceName: "demo-seed",
      scopes: ["formations:write"],
    };
    const formation = await upsertFormation(
      database().db,
      seed,
      upsertFormationInput.parse({
        title: "Seeded",
        startsAt: "2026-12-01T09:00:00Z",
        endsAt: "2026-12-01T10:00:00Z",
        timeZone: "UTC",
      }),
    );
    const [row] = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, formation.id), eq(auditLog.action, "formation.created")));
    expect(row).toMatchObject({
      actorKind: "service",
      actorServiceTokenId: null,
      actorLabel: "demo-seed",
      subjectType: "formation",
      subjectLabel: "Seeded",
    });
  });

  it("records a first sign-in and a role the platform changed once, however many requests carry them at once", async () => {
    const { db } = database();
    const first = await Promise.all(Array.from({ length: 5 }, () => ensureUser(db, identity("bea"))));
    expect(new Set(first.map(({ id }) => id)).size).toBe(1);
    const bea = first[0]!;
    await Promise.all(Array.from({ length: 5 }, () => ensureUser(db, identity("bea", "trainer"))));
    await ensureUser(db, { ...identity("bea", "trainer"), name: "Béa" });
    const rows = await rowsAbout(bea.id);
    expect(rows.map(({ action, detail }) => ({ action, detail }))).toEqual([
      { action: "user.first_sign_in", detail: { role: "learner" } },
      { action: "user.role_changed", detail: { from: "learner", to: "trainer", source: "platform sign-in" } },
    ]);
  });

  it("lists newest first, a page at a time, without skipping or repeating entries written at the same instant", async () => {
    const { db } = database();
    const cid = await ensureUser(db, identity("cid"));
    // One transaction: every row shares its now().
    await db.transaction((tx) =>
      recordAudit(
        tx,
        Array.from({ length: 7 }, (_, index) => ({
          userId: cid.id,
          action: "outlook.settings_changed" as const,
          outcome: "success" as const,
          detail: { index },
        })),
      ),
    );
    const seen: unknown[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await list({
        userId: cid.id,
        action: "outlook.settings_changed",
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.entries.map(({ detail }) => detail?.index));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });

  it("filters by the person an entry is about or who did it, by action or area, and by period", async () => {
    const { db } = database();
    const dan = await ensureUser(db, identity("dan"));
    const eve = await ensureUser(db, identity("eve", "admin"));
    await recordAudit(db, [
      { userId: dan.id, actorUserId: dan.id, action: "outlook.connect", outcome: "success" },
      { userId: dan.id, actorUserId: dan.id, action: "outlook.settings_changed", outcome: "success" },
      {
        actorUserId: eve.id,
        action: "service_token.created",
        outcome: "success",
        subject: { type: "service_token", id: "t", label: "crm" },
      },
      { userId: eve.id, actorUserId: eve.id, action: "calendar_feed.created", outcome: "success" },
    ]);
    const actions = async (input: Record<string, unknown>) => (await list(input)).entries.map(({ action }) => action);
    expect(await actions({ userId: dan.id })).toEqual([
      "outlook.settings_changed",
      "outlook.connect",
      "user.first_sign_in",
    ]);
    expect(await actions({ userEmail: "dan@example.test", action: "outlook." })).toEqual([
      "outlook.settings_changed",
      "outlook.connect",
    ]);
    expect(await actions({ userId: eve.id })).toEqual([
      "calendar_feed.created",
      "service_token.created",
      "user.first_sign_in",
    ]);
    // `_` is no wildcard: `calendar_feed.` is not `calendarXfeed.`.
    expect(await actions({ userId: eve.id, action: "calendar_feed." })).toEqual(["calendar_feed.created"]);
    expect(await actions({ userEmail: "nobody@example.test" })).toEqual([]);

    const now = Date.now();
    expect(
      await actions({
        userId: dan.id,
        from: new Date(now - 60_000).toISOString(),
        to: new Date(now + 60_000).toISOString(),
        action: "outlook.connect",
      }),
    ).toEqual(["outlook.connect"]);
    expect(await actions({ userId: dan.id, to: new Date(now - 3_600_000).toISOString() })).toEqual([]);
    expect(listAuditLogInput.safeParse({ from: "2026-12-02T00:00:00Z", to: "2026-12-01T00:00:00Z" }).success).toBe(
      false,
    );
    expect(listAuditLogInput.safeParse({ limit: 201 }).success).toBe(false);
    expect(listAuditLogInput.safeParse({ action: "outlook.%" }).success).toBe(false);
  });

  it("purges the entries older than the retention period, and records that it did", async () => {
    const { db } = database();
    const fay = await ensureUser(db, identity("fay"));
    await recordAudit(db, { userId: fay.id, action: "outlook.connect", outcome: "success" });
    const old = new Date(Date.now() - 401 * 86_400_000);
    await db
      .update(auditLog)
      .set({ occurredAt: old })
      .where(and(eq(auditLog.userId, fay.id), eq(auditLog.action, "outlook.connect")));

    const purged = await purgeAuditLog(db, 400);
    expect(purged.deleted).toBeGreaterThanOrEqual(1);
    expect((await rowsAbout(fay.id)).map(({ action }) => action)).toEqual(["user.first_sign_in"]);
    const [record] = (await list({ action: "audit_log.purged" })).entries;
    expect(record).toMatchObject({
      actor: { kind: "system", label: "retention" },
      detail: { retentionDays: 400, deleted: purged.deleted, before: purged.before },
    });
  });
});
