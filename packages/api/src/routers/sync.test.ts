import { randomUUID } from "node:crypto";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import { ensureUser, type User } from "@agenda/domain/users";
import { recordConflict } from "@agenda/sync/conflicts";
import type { Sync } from "@agenda/sync";
import { useTestDatabase } from "@agenda/testing/database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../root";
import type { Context } from "../trpc";

const database = useTestDatabase();
let ana: User;
let ben: User;
const changed: string[] = [];

beforeAll(async () => {
  ana = await ensureUser(database().db, {
    platformUserId: "ana",
    email: "ana@example.test",
    name: "Ana",
    role: "learner",
  });
  ben = await ensureUser(database().db, {
    platformUserId: "ben",
    email: "ben@example.test",
    name: "Ben",
    role: "learner",
  });
});

function callerFor(user: User) {
  const sync = {
    engine: { eventChanged: async (_tx: unknown, userId: string) => void changed.push(userId) },
  } as unknown as Sync;
  const context: Context = {
    db: database().db,
    caller: { kind: "user", user, tokenExpiresAt: new Date(Date.now() + 3_600_000) },
    authFailure: null,
    streamCaller: null,
    locale: "en",
    requestId: "test",
    demo: null,
    outlook: null,
    sync,
    statusFeed: null,
    calendarFeeds: null,
  };
  return createCaller(context);
}

const snapshot = (title: string) => ({
  title,
  location: null,
  startsAt: "2026-12-01T09:00:00.000Z",
  endsAt: "2026-12-01T10:00:00.000Z",
  isAllDay: false,
  modifiedAt: null,
});

describe("sync conflicts and formations through the API", () => {
  it("shows each user their own conflicts only, and lets them review only those", async () => {
    const { db } = database();
    await recordConflict(db, {
      ownerId: ana.id,
      kind: "edited_on_both_sides",
      winner: "outlook",
      platformVersion: snapshot("Ana here"),
      outlookVersion: snapshot("Ana there"),
    });
    await recordConflict(db, {
      ownerId: ben.id,
      kind: "formation_removed_in_outlook",
      winner: "outlook",
      platformVersion: snapshot("Ben's formation"),
      outlookVersion: null,
    });

    const anaConflicts = await callerFor(ana).sync.conflicts();
    expect(anaConflicts).toEqual([
      expect.objectContaining({
        kind: "edited_on_both_sides",
        winner: "outlook",
        title: "Ana here",
        outlookVersion: snapshot("Ana there"),
        reviewedAt: null,
      }),
    ]);
    const [bens] = await callerFor(ben).sync.conflicts({});
    expect(bens?.title).toBe("Ben's formation");

    await expect(callerFor(ana).sync.reviewConflict({ id: bens?.id ?? "" })).rejects.toSatisfy(
      (error) => error instanceof TRPCError && error.code === "NOT_FOUND",
    );
    expect(await callerFor(ben).sync.conflicts()).toHaveLength(1);

    const reviewed = await callerFor(ana).sync.reviewConflict({ id: anaConflicts[0]?.id ?? "" });
    expect(reviewed).toEqual({ id: anaConflicts[0]?.id, reviewedAt: expect.any(String) });
    expect(await callerFor(ana).sync.reviewConflict({ id: anaConflicts[0]?.id ?? "" })).toEqual(reviewed);
    expect(await callerFor(ana).sync.conflicts()).toEqual([]);
    expect(await callerFor(ana).sync.conflicts({ includeReviewed: true })).toEqual([
      expect.objectContaining({ id: anaConflicts[0]?.id, reviewedAt: reviewed.reviewedAt }),
    ]);
  });

  it("lists the caller's own formations with their Outlook state", async () => {
    const start = new Date(Date.now() + 3 * 86_400_000);
    const formation = await upsertFormation(
      database().db,
      { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] },
      upsertFormationInput.parse({
        externalId: randomUUID(),
        title: "Word",
        location: "Salle 1",
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
        timeZone: "Europe/Paris",
        learners: [{ platformUserId: ana.platformUserId, email: ana.email, name: ana.name }],
      }),
    );
    expect(await callerFor(ana).sync.formations()).toEqual([
      expect.objectContaining({
        formationId: formation.id,
        title: "Word",
        location: "Salle 1",
        outlookState: "not_exported",
        outlookEventId: null,
        syncError: null,
      }),
    ]);
    expect(await callerFor(ben).sync.formations()).toEqual([]);
  });

  it("sends every change to the caller's agenda towards Outlook at once", async () => {
    changed.length = 0;
    const caller = callerFor(ben);
    const event = await caller.events.create({
      title: "Lunch",
      startsAt: "2026-12-02T12:00:00Z",
      endsAt: "2026-12-02T13:00:00Z",
    });
    await caller.events.update({ id: event.id, title: "Long lunch" });
    await caller.events.delete({ id: event.id });
    expect(changed).toEqual([ben.id, ben.id, ben.id]);
  });
});
