import { randomUUID } from "node:crypto";
import type { Database } from "@agenda/db/client";
import { upsertFormation, upsertFormationInput, type Formation } from "@agenda/domain/formations";
import type { User } from "@agenda/domain/users";

const DAY_MS = 86_400_000;

/**
 * A three-hour "Excel avancé" in "Salle 3" a week from now (on the hour, Paris time) with `user` enrolled, as the
 * platform's service would push it; `changes` override any field, the same `externalId` updates it.
 */
export async function scheduleExcelFormation(
  db: Database,
  user: User,
  externalId: string = randomUUID(),
  changes: Record<string, unknown> = {},
): Promise<Formation> {
  const start = new Date(Math.floor((Date.now() + 7 * DAY_MS) / 3_600_000) * 3_600_000);
  return upsertFormation(
    db,
    { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] },
    upsertFormationInput.parse({
      externalId,
      title: "Excel avancé",
      location: "Salle 3",
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
      timeZone: "Europe/Paris",
      learners: [{ platformUserId: user.platformUserId, email: user.email, name: user.name }],
      ...changes,
    }),
  );
}
