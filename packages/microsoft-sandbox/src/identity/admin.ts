import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { DirectoryUser } from "../directory";
import type { IdentityDeps } from "./deps";
import { identitySettingsSchema } from "./grants";

const newUserSchema = z.object({
  userPrincipalName: z.email(),
  displayName: z.string().min(1).optional(),
  mail: z.email().nullable().optional(),
  tenantId: z.uuid().optional(),
  timeZone: z.string().min(1).optional(),
  id: z.uuid().optional(),
});

/** A user named by id or by userPrincipalName, and optionally one client (all clients otherwise). */
const userGrantSchema = z.object({ user: z.string().min(1), clientId: z.string().min(1).optional() });

function invalidRequest(c: Context, message: string, status: 400 | 404 = 400) {
  return c.json({ error: { code: status === 404 ? "itemNotFound" : "invalidRequest", message } }, status);
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

/** `/admin/api/identity/*`: users, apps, grants and the identity faults, as JSON. */
export function identityAdmin(deps: IdentityDeps): Hono {
  const admin = new Hono();
  const findUser = (idOrUpn: string): DirectoryUser | undefined =>
    deps.directory.find(idOrUpn) ?? deps.directory.findByUserPrincipalName(idOrUpn);

  admin.get("/users", (c) => c.json({ value: deps.directory.list() }));

  admin.post("/users", async (c) => {
    const parsed = z.union([newUserSchema, z.array(newUserSchema)]).safeParse(await jsonBody(c));
    if (!parsed.success) return invalidRequest(c, z.prettifyError(parsed.error));
    const inputs = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    return c.json({ value: inputs.map((input) => deps.directory.add(input)) }, 201);
  });

  admin.get("/apps", (c) =>
    c.json({
      value: deps.clients.list().map(({ secrets, ...client }) => ({ ...client, confidential: secrets.length > 0 })),
    }),
  );

  admin.get("/grants", (c) =>
    c.json({
      value: deps.grants.consents().map((consent) => ({
        ...consent,
        userPrincipalName: deps.directory.find(consent.userId)?.userPrincipalName ?? null,
        grantedAt: new Date(consent.grantedAt).toISOString(),
        liveRefreshTokens: deps.grants.liveRefreshTokenCount(consent.userId, consent.clientId),
      })),
    }),
  );

  admin.post("/grants/revoke", async (c) => {
    const parsed = userGrantSchema.safeParse(await jsonBody(c));
    if (!parsed.success) return invalidRequest(c, z.prettifyError(parsed.error));
    const user = findUser(parsed.data.user);
    if (!user) return invalidRequest(c, `No user '${parsed.data.user}'.`, 404);
    const revoked = deps.grants.revoke(user.id, parsed.data.clientId);
    return c.json({ userId: user.id, revokedConsents: revoked.consents, revokedRefreshTokens: revoked.refreshTokens });
  });

  admin.post("/refresh-tokens/expire", async (c) => {
    const parsed = userGrantSchema.safeParse(await jsonBody(c));
    if (!parsed.success) return invalidRequest(c, z.prettifyError(parsed.error));
    const user = findUser(parsed.data.user);
    if (!user) return invalidRequest(c, `No user '${parsed.data.user}'.`, 404);
    const expired = deps.grants.expireRefreshTokens(user.id, parsed.data.clientId);
    return c.json({ userId: user.id, expiredRefreshTokens: expired });
  });

  admin.post("/reset", (c) => {
    deps.grants.reset();
    return c.body(null, 204);
  });

  admin.get("/settings", (c) => c.json(deps.grants.settings));

  admin.patch("/settings", async (c) => {
    const parsed = identitySettingsSchema
      .partial()
      .strict()
      .safeParse(await jsonBody(c));
    if (!parsed.success) return invalidRequest(c, z.prettifyError(parsed.error));
    Object.assign(deps.grants.settings, parsed.data);
    return c.json(deps.grants.settings);
  });

  return admin;
}
