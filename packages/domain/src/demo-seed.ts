import type { DatabaseOrTransaction } from "@agenda/db/client";
import { formations } from "@agenda/db/schema";
import { inArray } from "drizzle-orm";
import { upsertFormation } from "./formations";
import { ensureUser, type NamedPerson, type PlatformIdentity } from "./users";

export const DEMO_USERS = {
  learner: {
    platformUserId: "demo-learner",
    email: "lea.martin@formation.demo",
    name: "Léa Martin",
    role: "learner",
    locale: "fr",
    timeZone: "Europe/Paris",
  },
  trainer: {
    platformUserId: "demo-trainer",
    email: "thomas.bernard@formation.demo",
    name: "Thomas Bernard",
    role: "trainer",
    locale: "fr",
    timeZone: "Europe/Paris",
  },
  admin: {
    platformUserId: "demo-admin",
    email: "camille.dubois@formation.demo",
    name: "Camille Dubois",
    role: "admin",
    locale: "en",
    timeZone: "Europe/Paris",
  },
} as const satisfies Record<string, PlatformIdentity>;

/** How the seed names a demo user in a formation: as any app would, without a role. */
function named({ platformUserId, email, name }: PlatformIdentity): NamedPerson {
  return { platformUserId, email, name };
}

const DEMO_FORMATIONS = [
  {
    externalId: "demo-formation-excel",
    title: "Excel avancé : tableaux croisés dynamiques",
    daysFromNow: 2,
    hour: 9,
    hours: 3,
    location: "Salle Turing, Paris",
    enrolled: true,
  },
  {
    externalId: "demo-formation-management",
    title: "Management d'équipe à distance",
    daysFromNow: 5,
    hour: 14,
    hours: 2,
    online: true,
    enrolled: true,
  },
  {
    externalId: "demo-formation-rgpd",
    title: "RGPD : les fondamentaux",
    daysFromNow: 9,
    hour: 10,
    hours: 4,
    location: "Salle Lovelace, Lyon",
    enrolled: true,
  },
  {
    externalId: "demo-formation-python",
    title: "Initiation à Python",
    daysFromNow: 16,
    hour: 9,
    hours: 7,
    location: "Salle Hopper, Paris",
    enrolled: false,
  },
];

/** `hour` o'clock UTC, `daysFromNow` days ahead: whole hours so the demo reads well. */
function dayAt(now: Date, daysFromNow: number, hour: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + daysFromNow, hour));
}

/**
 * Demo users, formations and enrolments. Idempotent: formations already seeded keep their dates, so restarting
 * the product does not move what a person is looking at.
 */
export async function seedDemoData(db: DatabaseOrTransaction, now = new Date()): Promise<void> {
  for (const person of Object.values(DEMO_USERS)) await ensureUser(db, person);
  const seeded = await db
    .select({ externalId: formations.externalId })
    .from(formations)
    .where(
      inArray(
        formations.externalId,
        DEMO_FORMATIONS.map(({ externalId }) => externalId),
      ),
    );
  const already = new Set(seeded.map(({ externalId }) => externalId));
  for (const formation of DEMO_FORMATIONS.filter(({ externalId }) => !already.has(externalId))) {
    const startsAt = dayAt(now, formation.daysFromNow, formation.hour);
    await upsertFormation(
      db,
      { kind: "service", serviceTokenId: "demo-seed", serviceName: "demo-seed", scopes: ["formations:write"] },
      {
        externalId: formation.externalId,
        title: formation.title,
        description: `${formation.title} — formation de démonstration.`,
        location: formation.location ?? null,
        onlineUrl: formation.online ? "https://teams.microsoft.com/l/meetup-join/demo" : null,
        singleBlock: true,
        sessions: [
          {
            startsAt,
            endsAt: new Date(startsAt.getTime() + formation.hours * 3_600_000),
            location: null,
            onlineUrl: null,
          },
        ],
        timeZone: "Europe/Paris",
        status: "scheduled",
        trainer: named(DEMO_USERS.trainer),
        learners: formation.enrolled ? [named(DEMO_USERS.learner)] : [],
      },
    );
  }
}
