import { useTestDatabase } from "@agenda/testing/database";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  createEvent,
  createEventInput,
  deleteEvent,
  eventsWindow,
  getEvent,
  listEvents,
  listEventsInput,
  updateEvent,
  updateEventInput,
} from "./events";
import { ensureUser, type User } from "./users";

const database = useTestDatabase();

async function person(name: string, timeZone = "Europe/Paris"): Promise<User> {
  return ensureUser(database().db, {
    platformUserId: `user-${name}`,
    email: `${name}@example.test`,
    name,
    role: "learner",
    timeZone,
  });
}

const timed = (title: string, startsAt: string, endsAt: string) => createEventInput.parse({ title, startsAt, endsAt });
const range = (from: string, to: string) => listEventsInput.parse({ from, to });

async function expectDomainError(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((error) => error instanceof DomainError && error.code === code);
}

describe("agenda events", () => {
  it("lists the owner's events overlapping a range, earliest first", async () => {
    const { db } = database();
    const ana = await person("ana");
    const late = await createEvent(db, ana, timed("Late", "2026-12-10T15:00:00Z", "2026-12-10T16:00:00Z"));
    const early = await createEvent(db, ana, timed("Early", "2026-12-10T08:00:00+01:00", "2026-12-10T09:00:00+01:00"));
    const spanning = await createEvent(db, ana, timed("Spanning", "2026-11-30T22:00:00Z", "2026-12-01T02:00:00Z"));
    await createEvent(db, ana, timed("Outside", "2027-01-05T10:00:00Z", "2027-01-05T11:00:00Z"));

    const december = await listEvents(db, ana.id, range("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    expect(december.map(({ id }) => id)).toEqual([spanning.id, early.id, late.id]);
    expect(december[1]).toMatchObject({
      title: "Early",
      startsAt: "2026-12-10T07:00:00.000Z",
      source: "platform",
      timeZone: "Europe/Paris",
      version: 1,
    });
  });

  it("stores all-day events as dates, starting at midnight of the event's own time zone", async () => {
    const { db } = database();
    const bob = await person("bob", "America/New_York");
    const holiday = await createEvent(
      db,
      bob,
      createEventInput.parse({ title: "Congé", isAllDay: true, startDate: "2026-11-01", endDate: "2026-11-03" }),
    );
    expect(holiday).toMatchObject({
      isAllDay: true,
      startDate: "2026-11-01",
      endDate: "2026-11-03",
      timeZone: "America/New_York",
      // 1 November 2026 is the day New York falls back: midnight is still EDT (-4), the 3rd is EST (-5).
      startsAt: "2026-11-01T04:00:00.000Z",
      endsAt: "2026-11-03T05:00:00.000Z",
    });
  });

  it("lists a default window when asked for no range: a month back, three ahead, or that length from the end given", () => {
    const now = new Date("2026-12-06T12:00:00Z");
    expect(eventsWindow({}, now)).toEqual({ from: "2026-11-06T12:00:00.000Z", to: "2027-03-06T12:00:00.000Z" });
    expect(eventsWindow({ from: "2026-12-01T00:00:00Z" }, now)).toEqual({
      from: "2026-12-01T00:00:00Z",
      to: "2027-03-31T00:00:00.000Z",
    });
    expect(eventsWindow({ to: "2026-12-31T00:00:00+01:00" }, now)).toEqual({
      from: "2026-09-01T23:00:00.000Z",
      to: "2026-12-31T00:00:00+01:00",
    });
    expect(eventsWindow({ from: "yesterday" }, now)).toEqual({ from: "yesterday", to: "2027-03-06T12:00:00.000Z" });
    expect(listEventsInput.safeParse({ from: "yesterday" }).success).toBe(false);
    const parsed = listEventsInput.parse({});
    expect(parsed.to.getTime() - parsed.from.getTime()).toBe(120 * 86_400_000);
  });

  it("refuses impossible timings", () => {
    expect(
      createEventInput.safeParse({ title: "x", startsAt: "2026-12-10T10:00:00Z", endsAt: "2026-12-10T09:00:00Z" })
        .success,
    ).toBe(false);
    expect(createEventInput.safeParse({ title: "x", startsAt: "2026-12-10T10:00:00" }).success).toBe(false);
    expect(
      createEventInput.safeParse({ title: "x", isAllDay: true, startDate: "2026-12-10", endDate: "2026-12-10" })
        .success,
    ).toBe(false);
    expect(listEventsInput.safeParse({ from: "2026-12-10T00:00:00Z", to: "2026-12-01T00:00:00Z" }).success).toBe(false);
    expect(listEventsInput.safeParse({ from: "2026-01-01T00:00:00Z", to: "2027-01-03T00:00:00Z" }).success).toBe(false);
  });

  it("updates with optimistic concurrency and deletes by tombstone", async () => {
    const { db } = database();
    const carla = await person("carla");
    const event = await createEvent(db, carla, timed("Draft", "2026-12-11T10:00:00Z", "2026-12-11T11:00:00Z"));

    const moved = await updateEvent(
      db,
      carla.id,
      updateEventInput.parse({
        id: event.id,
        expectedVersion: 1,
        title: "Final",
        startsAt: "2026-12-11T12:00:00Z",
        endsAt: "2026-12-11T13:00:00Z",
      }),
    );
    expect(moved).toMatchObject({ title: "Final", startsAt: "2026-12-11T12:00:00.000Z", version: 2 });
    await expectDomainError(
      updateEvent(db, carla.id, updateEventInput.parse({ id: event.id, expectedVersion: 1, title: "Stale" })),
      "VERSION_CONFLICT",
    );
    await expectDomainError(
      updateEvent(db, carla.id, updateEventInput.parse({ id: event.id, endsAt: "2026-12-11T11:00:00Z" })),
      "INVALID_INPUT",
    );

    await deleteEvent(db, carla.id, event.id);
    await expectDomainError(getEvent(db, carla.id, event.id), "EVENT_NOT_FOUND");
    expect(await listEvents(db, carla.id, range("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"))).toEqual([]);
  });

  it("never lets a user read, change or delete another user's event", async () => {
    const { db } = database();
    const owner = await person("owner");
    const intruder = await person("intruder");
    const event = await createEvent(db, owner, timed("Private", "2026-12-12T10:00:00Z", "2026-12-12T11:00:00Z"));

    await expectDomainError(getEvent(db, intruder.id, event.id), "EVENT_NOT_FOUND");
    await expectDomainError(
      updateEvent(db, intruder.id, updateEventInput.parse({ id: event.id, title: "Hijacked" })),
      "EVENT_NOT_FOUND",
    );
    await expectDomainError(deleteEvent(db, intruder.id, event.id), "EVENT_NOT_FOUND");
    expect(await listEvents(db, intruder.id, range("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"))).toEqual([]);
    expect(await getEvent(db, owner.id, event.id)).toMatchObject({ title: "Private", version: 1 });
  });
});
