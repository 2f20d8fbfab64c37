import type { DatabaseOrTransaction } from "@agenda/db/client";
import { users } from "@agenda/db/schema";
import { and, asc, eq, ilike, inArray, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { actorOf, recordAudit } from "./audit";
import { DomainError } from "./errors";
import { ianaTimeZone } from "./time";
import type { Viewer } from "./viewer";

export type User = typeof users.$inferSelect;
export type Role = User["role"];

/** Who the platform says a person is, in one of its session tokens: the only source of a role. */
export interface PlatformIdentity {
  platformUserId: string;
  email: string;
  name: string;
  role: Role;
  locale?: "fr" | "en" | undefined;
  timeZone?: string | undefined;
}

/**
 * A person an API caller names (a formation's trainer or learners). It makes the person known, nothing more: the
 * role, and the profile of someone already known, come from the platform's own sign-in only.
 */
export const namedPersonInput = z.object({
  platformUserId: z.string().min(1).max(128),
  email: z.email().max(320),
  name: z.string().trim().min(1).max(255),
  locale: z.enum(["fr", "en"]).optional(),
  timeZone: ianaTimeZone.optional(),
  role: z.never({ error: "roleFromPlatform" }).optional(),
});
export type NamedPerson = z.output<typeof namedPersonInput>;

function differs(user: User, identity: PlatformIdentity): boolean {
  return (
    user.email !== identity.email ||
    user.name !== identity.name ||
    user.role !== identity.role ||
    (identity.locale !== undefined && user.locale !== identity.locale) ||
    (identity.timeZone !== undefined && user.timeZone !== identity.timeZone)
  );
}

/**
 * The user behind a platform sign-in, created the first time we hear of it and kept as the platform says: email,
 * name and role included. Reads only, in the common case where nothing changed. A first sign-in and a role the
 * platform changed are recorded in the audit log, once however many requests arrive together.
 */
export async function ensureUser(db: DatabaseOrTransaction, identity: PlatformIdentity): Promise<User> {
  const [existing] = await db.select().from(users).where(eq(users.platformUserId, identity.platformUserId));
  if (existing && !differs(existing, identity)) return existing;
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({
        platformUserId: identity.platformUserId,
        email: identity.email,
        name: identity.name,
        role: identity.role,
        locale: identity.locale,
        timeZone: identity.timeZone,
      })
      .onConflictDoNothing({ target: users.platformUserId })
      .returning();
    if (created) {
      await recordAudit(tx, {
        userId: created.id,
        actorUserId: created.id,
        action: "user.first_sign_in",
        outcome: "success",
        detail: { role: created.role },
      });
      return created;
    }
    // Locked: of two requests carrying the same new role, the second sees the first's write and records nothing.
    const [before] = await tx
      .select()
      .from(users)
      .where(eq(users.platformUserId, identity.platformUserId))
      .for("update");
    if (!before) throw new Error(`user ${identity.platformUserId} vanished while signing in`);
    if (!differs(before, identity)) return before;
    const [user] = await tx
      .update(users)
      .set({
        email: identity.email,
        name: identity.name,
        role: identity.role,
        locale: identity.locale ?? sql`${users.locale}`,
        timeZone: identity.timeZone ?? sql`${users.timeZone}`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, before.id))
      .returning();
    if (!user) throw new Error("update returned no row");
    if (before.role !== user.role) {
      await recordAudit(tx, {
        userId: user.id,
        actorUserId: user.id,
        action: "user.role_changed",
        outcome: "success",
        detail: { from: before.role, to: user.role, source: "platform sign-in" },
      });
    }
    return user;
  });
}

/**
 * The users of the people a caller names, in the order given: unknown ones are created as learners with what the
 * caller said; known ones are left exactly as their own sign-ins made them.
 */
export async function ensureNamedPeople(db: DatabaseOrTransaction, people: readonly NamedPerson[]): Promise<User[]> {
  if (people.length === 0) return [];
  await db
    .insert(users)
    .values(
      people.map(({ platformUserId, email, name, locale, timeZone }) => ({
        platformUserId,
        email,
        name,
        locale,
        timeZone,
      })),
    )
    .onConflictDoNothing({ target: users.platformUserId });
  const rows = await db
    .select()
    .from(users)
    .where(
      inArray(
        users.platformUserId,
        people.map(({ platformUserId }) => platformUserId),
      ),
    );
  const byPlatformId = new Map(rows.map((user) => [user.platformUserId, user]));
  return people.map(({ platformUserId }) => {
    const user = byPlatformId.get(platformUserId);
    if (!user) throw new Error(`user ${platformUserId} vanished while being named`);
    return user;
  });
}

export async function findUserByEmail(db: DatabaseOrTransaction, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}

/** Whether the person may still use Agenda: known, and not deactivated by the platform. */
export async function isUserActive(db: DatabaseOrTransaction, userId: string): Promise<boolean> {
  const [user] = await db.select({ deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, userId));
  return user !== undefined && user.deactivatedAt === null;
}

export const platformUserIdInput = z.object({ platformUserId: z.string().min(1).max(128) });

/**
 * The platform says a person left (deactivated, removed) or came back. While deactivated, no token of theirs is
 * accepted: platform sessions, Microsoft tokens of the account they connected, stream tickets. Recorded in the audit
 * log with who said so.
 */
export async function setUserDeactivated(
  db: DatabaseOrTransaction,
  actor: Viewer,
  platformUserId: string,
  deactivated: boolean,
): Promise<{ userId: string; platformUserId: string; deactivatedAt: string | null }> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ deactivatedAt: deactivated ? sql`coalesce(${users.deactivatedAt}, now())` : null, updatedAt: new Date() })
      .where(eq(users.platformUserId, platformUserId))
      .returning();
    if (!user) throw new DomainError("USER_NOT_FOUND", { id: platformUserId });
    await recordAudit(tx, {
      userId: user.id,
      ...actorOf(actor),
      action: deactivated ? "user.deactivated" : "user.reactivated",
      outcome: "success",
    });
    return { userId: user.id, platformUserId, deactivatedAt: user.deactivatedAt?.toISOString() ?? null };
  });
}

export const searchUsersInput = z.object({
  /** A part of a name or an e-mail address, matched case-insensitively. */
  query: z.string().trim().min(2).max(100),
  limit: z.int().min(1).max(20).default(10),
});
export type SearchUsersInput = z.output<typeof searchUsersInput>;

/** A person found by `searchUsers`: what a planner needs to name them as a learner, nothing more. */
export interface UserMatch {
  id: string;
  platformUserId: string;
  name: string;
  email: string;
}

/** `%` and `_` typed by someone searching mean themselves, not LIKE's wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * The platform's people whose name or e-mail contains the query, for trainers and admins enrolling learners. People
 * who left (deactivated) are not offered. Bounded by `limit` (20 at most), by name.
 */
export async function searchUsers(
  db: DatabaseOrTransaction,
  viewer: Viewer,
  input: SearchUsersInput,
): Promise<UserMatch[]> {
  if (viewer.kind !== "user" || viewer.role === "learner") throw new DomainError("FORBIDDEN");
  const pattern = likePattern(input.query);
  return db
    .select({ id: users.id, platformUserId: users.platformUserId, name: users.name, email: users.email })
    .from(users)
    .where(and(isNull(users.deactivatedAt), or(ilike(users.name, pattern), ilike(users.email, pattern))))
    .orderBy(asc(users.name), asc(users.email), asc(users.id))
    .limit(input.limit);
}
