import { describe, expect, it } from "vitest";
import {
  addSession,
  changeSession,
  enrol,
  formValuesFromFormation,
  listInputFor,
  newFormationValues,
  removeSession,
  sessionsInOrder,
  statusChangeFields,
  unenrol,
  upsertFieldsFromForm,
  type FormationFormValues,
  type PlannedFormation,
} from "./formation-form-values";

const PARIS = "Europe/Paris";
const NOW = new Date("2026-12-06T13:00:00Z");
const lea = { id: "u-lea", platformUserId: "p-lea", name: "Léa Martin", email: "lea@example.test" };
const noe = { id: "u-noe", platformUserId: "p-noe", name: "Noé Petit", email: "noe@example.test" };

const formation: PlannedFormation = {
  id: "f-1",
  title: "Excel avancé",
  description: "Tableaux croisés",
  location: "Salle 2",
  onlineUrl: null,
  timeZone: PARIS,
  status: "scheduled",
  cancellationReason: null,
  sessions: [
    {
      id: "s-1",
      startsAt: "2026-12-14T08:00:00.000Z",
      endsAt: "2026-12-14T16:00:00.000Z",
      location: null,
      onlineUrl: null,
    },
    {
      id: "s-2",
      startsAt: "2026-12-15T08:00:00.000Z",
      endsAt: "2026-12-15T16:00:00.000Z",
      location: "Salle 5",
      onlineUrl: null,
    },
  ],
  learners: [lea],
};

function planned(change: Partial<FormationFormValues> = {}): FormationFormValues {
  return { ...formValuesFromFormation(formation), ...change };
}

describe("formation form values", () => {
  it("starts a new formation with one session tomorrow, 9:00–17:00 in its zone", () => {
    const values = newFormationValues(NOW, "America/New_York");
    expect(values).toMatchObject({ timeZone: "America/New_York", learners: [] });
    expect(values.sessions).toEqual([{ key: expect.any(String), start: "2026-12-07T09:00", end: "2026-12-07T17:00" }]);
  });

  it("shows a formation's sessions as wall-clock times in its own zone, and sends them back as instants with offset", () => {
    const values = planned();
    expect(values.sessions.map(({ start, end }) => [start, end])).toEqual([
      ["2026-12-14T09:00", "2026-12-14T17:00"],
      ["2026-12-15T09:00", "2026-12-15T17:00"],
    ]);
    expect(upsertFieldsFromForm(values)).toEqual({
      fields: {
        id: "f-1",
        title: "Excel avancé",
        description: "Tableaux croisés",
        timeZone: PARIS,
        location: "Salle 2",
        onlineUrl: null,
        sessions: [
          {
            id: "s-1",
            startsAt: "2026-12-14T09:00:00+01:00",
            endsAt: "2026-12-14T17:00:00+01:00",
            location: null,
            onlineUrl: null,
          },
          {
            id: "s-2",
            startsAt: "2026-12-15T09:00:00+01:00",
            endsAt: "2026-12-15T17:00:00+01:00",
            location: "Salle 5",
            onlineUrl: null,
          },
        ],
        status: "scheduled",
        cancellationReason: null,
      },
    });
  });

  it("sends the enrolment only when it changed (or the formation is new), naming people by the platform's id", () => {
    const changed = upsertFieldsFromForm(enrol(planned(), noe));
    expect(changed).toMatchObject({
      fields: {
        learners: [
          { platformUserId: "p-lea", name: "Léa Martin", email: "lea@example.test" },
          { platformUserId: "p-noe", name: "Noé Petit", email: "noe@example.test" },
        ],
      },
    });
    const created = upsertFieldsFromForm({ ...newFormationValues(NOW, PARIS), title: "Nouvelle" });
    expect(created).toMatchObject({ fields: { learners: [] } });
    expect("fields" in created && "id" in created.fields).toBe(false);
  });

  it("cancels with a reason and schedules again, leaving the enrolment as it is", () => {
    const cancelled = statusChangeFields(formation, "cancelled", "  Formateur malade  ");
    expect(cancelled).toMatchObject({
      fields: { id: "f-1", status: "cancelled", cancellationReason: "Formateur malade" },
    });
    expect("fields" in cancelled && "learners" in cancelled.fields).toBe(false);
    const rescheduled = statusChangeFields(
      { ...formation, status: "cancelled", cancellationReason: "Formateur malade" },
      "scheduled",
      null,
    );
    expect(rescheduled).toMatchObject({ fields: { status: "scheduled", cancellationReason: null } });
    expect(statusChangeFields(formation, "cancelled", "x".repeat(1500))).toMatchObject({
      fields: { cancellationReason: "x".repeat(1000) },
    });
  });

  it("saves a cancelled formation's edits without scheduling it again", () => {
    const values = formValuesFromFormation({ ...formation, status: "cancelled", cancellationReason: "Salle fermée" });
    expect(upsertFieldsFromForm({ ...values, title: "Excel" })).toMatchObject({
      fields: { title: "Excel", status: "cancelled", cancellationReason: "Salle fermée" },
    });
  });

  it("adds a session the day after the last, moves one, removes one, and sends them in the order they happen", () => {
    let values = addSession(planned(), NOW);
    const added = values.sessions[2];
    expect(added).toMatchObject({ start: "2026-12-16T09:00", end: "2026-12-16T17:00" });
    expect(added?.id).toBeUndefined();
    values = changeSession(values, "s-2", { start: "2026-12-18T13:00", end: "2026-12-18T17:30" });
    values = removeSession(values, "s-1");
    const result = upsertFieldsFromForm(values);
    if (!("fields" in result)) throw new Error("expected fields");
    expect(result.fields.sessions).toEqual([
      { startsAt: "2026-12-16T09:00:00+01:00", endsAt: "2026-12-16T17:00:00+01:00" },
      {
        id: "s-2",
        startsAt: "2026-12-18T13:00:00+01:00",
        endsAt: "2026-12-18T17:30:00+01:00",
        location: "Salle 5",
        onlineUrl: null,
      },
    ]);
  });

  it("adds tomorrow's session when every session was removed", () => {
    const values = addSession(removeSession(removeSession(planned(), "s-1"), "s-2"), NOW);
    expect(values.sessions.map(({ start }) => start)).toEqual(["2026-12-07T09:00"]);
  });

  it("orders sessions by start, an unreadable one last", () => {
    const sessions = [
      { key: "b", start: "2026-12-15T09:00", end: "2026-12-15T10:00" },
      { key: "x", start: "", end: "" },
      { key: "a", start: "2026-12-14T09:00", end: "2026-12-14T10:00" },
    ];
    expect(sessionsInOrder(sessions).map(({ key }) => key)).toEqual(["a", "b", "x"]);
  });

  it("keeps a DST change in mind: a session in summer is sent with the summer offset", () => {
    const values = changeSession(planned(), "s-1", { start: "2027-07-01T09:00", end: "2027-07-01T12:00" });
    const result = upsertFieldsFromForm(values);
    if (!("fields" in result)) throw new Error("expected fields");
    expect(result.fields.sessions[1]).toMatchObject({ startsAt: "2027-07-01T09:00:00+02:00" });
  });

  it("says every reason the form cannot be sent: no title, unknown zone, a link that is not https, no session", () => {
    const values = planned({
      title: "  ",
      timeZone: "Mars/Olympus",
      onlineUrl: "http://meet.example.test",
      sessions: [],
    });
    expect(upsertFieldsFromForm(values)).toEqual({
      problems: [
        { field: "title", problem: "required" },
        { field: "timeZone", problem: "unknownTimeZone" },
        { field: "onlineUrl", problem: "httpsOnly" },
        { field: "sessions", problem: "noSession" },
      ],
    });
    expect(upsertFieldsFromForm(planned({ onlineUrl: "pas une adresse" }))).toEqual({
      problems: [{ field: "onlineUrl", problem: "httpsOnly" }],
    });
  });

  it("refuses a session ending before it starts, or without a time, naming that session", () => {
    let values = changeSession(planned(), "s-2", { end: "2026-12-15T09:00" });
    values = changeSession(values, "s-1", { start: "" });
    expect(upsertFieldsFromForm(values)).toEqual({
      problems: [
        { field: "session", key: "s-2", problem: "endBeforeStart" },
        { field: "session", key: "s-1", problem: "invalidTime" },
      ],
    });
  });

  it("sends a blank place and link as none", () => {
    const result = upsertFieldsFromForm(planned({ location: "  ", onlineUrl: " " }));
    expect(result).toMatchObject({ fields: { location: null, onlineUrl: null } });
  });

  it("enrols someone once, and unenrols them", () => {
    let values = enrol(planned(), noe);
    values = enrol(values, noe);
    expect(values.learners.map(({ id }) => id)).toEqual(["u-lea", "u-noe"]);
    values = unenrol(values, "u-lea");
    expect(values.learners.map(({ id }) => id)).toEqual(["u-noe"]);
  });
});

describe("planning list filters", () => {
  it("asks for upcoming formations from now on, soonest first; past ones before now, latest first; cancelled ones", () => {
    expect(listInputFor("upcoming", NOW)).toEqual({
      from: NOW.toISOString(),
      status: "scheduled",
      order: "asc",
      limit: 100,
    });
    expect(listInputFor("past", NOW)).toEqual({
      to: NOW.toISOString(),
      status: "scheduled",
      order: "desc",
      limit: 100,
    });
    expect(listInputFor("cancelled", NOW)).toEqual({ status: "cancelled", order: "desc", limit: 100 });
  });
});
