import { auditLog, serviceTokens } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  createServiceTokenInput,
  findActiveServiceToken,
  issueServiceToken,
  listServiceTokens,
  noteServiceTokenUse,
  revokeServiceToken,
  SERVICE_TOKEN_PREFIX,
} from "./service-tokens";
import { ensureUser } from "./users";
import type { Viewer } from "./viewer";

const database = useTestDatabase();

async function adminViewer(): Promise<Viewer> {
  const admin = await ensureUser(database().db, {
    platformUserId: "tokens-admin",
    email: "admin@example.test",
    name: "Admin",
    role: "admin",
  });
  return { kind: "user", userId: admin.id, role: admin.role };
}

const auditOf = async (id: string) =>
  (await database().db.select().from(auditLog).where(eq(auditLog.subjectId, id))).map(
    ({ action, actorLabel, detail }) => ({ action, actorLabel, detail }),
  );

describe("service tokens", () => {
  it("are created by an admin, shown once, stored as a hash, and audited with who made them", async () => {
    const { db } = database();
    const { token, serviceToken } = await issueServiceToken(
      db,
      await adminViewer(),
      createServiceTokenInput.parse({ name: "catalogue", scopes: ["formations:write", "formations:write"] }),
    );
    expect(token.startsWith(SERVICE_TOKEN_PREFIX)).toBe(true);
    expect(serviceToken).toMatchObject({
      name: "catalogue",
      scopes: ["formations:write"],
      status: "active",
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(serviceToken)).not.toContain(token);
    const [row] = await db.select().from(serviceTokens).where(eq(serviceTokens.id, serviceToken.id));
    expect(JSON.stringify(row)).not.toContain(token.slice(SERVICE_TOKEN_PREFIX.length));
    expect(await findActiveServiceToken(db, token)).toMatchObject({ id: serviceToken.id });
    expect(await auditOf(serviceToken.id)).toEqual([
      {
        action: "service_token.created",
        actorLabel: "admin@example.test",
        detail: { scopes: ["formations:write"], expiresAt: null },
      },
    ]);
  });

  it("refuses names that are no app's, unknown scopes and expiries already past", () => {
    for (const name of ["", " ", "with space", "-leading", "x".repeat(65), "emoji🎓"])
      expect(createServiceTokenInput.safeParse({ name, scopes: [] }).success).toBe(false);
    expect(createServiceTokenInput.safeParse({ name: "crm", scopes: ["users:admin"] }).success).toBe(false);
    expect(
      createServiceTokenInput.safeParse({ name: "crm", scopes: [], expiresAt: "2020-01-01T00:00:00Z" }).success,
    ).toBe(false);
    expect(createServiceTokenInput.parse({ name: " crm.v2_b-1 ", scopes: [] }).name).toBe("crm.v2_b-1");
  });

  it("stop authenticating at once when revoked or expired; revoking again changes nothing", async () => {
    const { db } = database();
    const admin = await adminViewer();
    const { token, serviceToken } = await issueServiceToken(
      db,
      admin,
      createServiceTokenInput.parse({ name: "hr", scopes: ["users:write"] }),
    );
    const revoked = await revokeServiceToken(db, admin, serviceToken.id);
    expect(revoked).toMatchObject({ status: "revoked", revokedAt: expect.any(String) });
    expect(await findActiveServiceToken(db, token)).toBeUndefined();
    expect(await revokeServiceToken(db, admin, serviceToken.id)).toEqual(revoked);
    expect((await auditOf(serviceToken.id)).map(({ action }) => action)).toEqual([
      "service_token.created",
      "service_token.revoked",
    ]);
    await expect(revokeServiceToken(db, admin, crypto.randomUUID())).rejects.toSatisfy(
      (error) => error instanceof DomainError && error.code === "SERVICE_TOKEN_NOT_FOUND",
    );

    const soon = await issueServiceToken(
      db,
      admin,
      createServiceTokenInput.parse({
        name: "brief",
        scopes: [],
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      }),
    );
    expect(await findActiveServiceToken(db, soon.token)).toBeDefined();
    await db
      .update(serviceTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(serviceTokens.id, soon.serviceToken.id));
    expect(await findActiveServiceToken(db, soon.token)).toBeUndefined();
    const listed = await listServiceTokens(db, { limit: 500 });
    expect(listed.find(({ id }) => id === soon.serviceToken.id)?.status).toBe("expired");
    // Usable ones first.
    expect(listed.findIndex(({ status }) => status === "revoked")).toBeGreaterThan(
      listed.findIndex(({ status }) => status === "active"),
    );
  });

  it("note their last use at most once a minute", async () => {
    const { db } = database();
    const { token } = await issueServiceToken(
      db,
      await adminViewer(),
      createServiceTokenInput.parse({ name: "busy", scopes: [] }),
    );
    const lastUsed = async () => (await findActiveServiceToken(db, token))?.lastUsedAt?.getTime();
    await noteServiceTokenUse(db, (await findActiveServiceToken(db, token))!);
    const first = await lastUsed();
    expect(first).toBeGreaterThan(Date.now() - 10_000);
    await noteServiceTokenUse(db, (await findActiveServiceToken(db, token))!);
    expect(await lastUsed()).toBe(first);

    // A minute later (as another process would see it), the next use is noted.
    await db
      .update(serviceTokens)
      .set({ lastUsedAt: new Date(first! - 61_000) })
      .where(eq(serviceTokens.tokenHash, (await findActiveServiceToken(db, token))!.tokenHash));
    await noteServiceTokenUse(db, (await findActiveServiceToken(db, token))!);
    expect(await lastUsed()).toBeGreaterThan(first! - 1000);
  });
});
