import type { DatabaseOrTransaction } from "@agenda/db/client";
import { users } from "@agenda/db/schema";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { ianaTimeZone } from "./time";

export type User = typeof users.$inferSelect;

/** What the platform tells us about a person: in a session token, or when an internal app names a participant. */
export const platformPersonInput = z.object({
  platformUserId: z.string().min(1).max(128),
  email: z.email().max(320),
  name: z.string().trim().min(1).max(255),
  role: z.enum(["learner", "trainer", "admin"]).optional(),
  locale: z.enum(["fr", "en"]).optional(),
  timeZone: ianaTimeZone.optional(),
});
export type PlatformPerson = z.output<typeof platformPersonInput>;

function differs(user: User, person: PlatformPerson): boolean {
  return (
    user.email !== person.email ||
    user.name !== person.name ||
    (person.role !== undefined && user.role !== person.role) ||
    (person.locale !== undefined && user.locale !== person.locale) ||
    (person.timeZone !== undefined && user.timeZone !== person.timeZone)
  );
}

/**
 * The user behind a platform identity, created the first time we hear of it and kept up to date with what the
 * platform says. Reads only, in the common case where nothing changed.
 */
export async function ensureUser(db: DatabaseOrTransaction, person: PlatformPerson): Promise<User> {
  const [existing] = await db.select().from(users).where(eq(users.platformUserId, person.platformUserId));
  if (existing && !differs(existing, person)) return existing;
  const [user] = await db
    .insert(users)
    .values({
      platformUserId: person.platformUserId,
      email: person.email,
      name: person.name,
      role: person.role,
      locale: person.locale,
      timeZone: person.timeZone,
    })
    .onConflictDoUpdate({
      target: users.platformUserId,
      set: {
        email: person.email,
        name: person.name,
        role: person.role ?? sql`${users.role}`,
        locale: person.locale ?? sql`${users.locale}`,
        timeZone: person.timeZone ?? sql`${users.timeZone}`,
        updatedAt: new Date(),
      },
    })
    .returning();
  if (!user) throw new Error("upsert returned no row");
  return user;
}

export async function findUserByEmail(db: DatabaseOrTransaction, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}
