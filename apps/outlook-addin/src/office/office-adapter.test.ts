import { describe, expect, it } from "vitest";
import { fakeOffice, type FakeOfficeOptions } from "../test-support/fake-office";
import { createOfficeAdapter, FORMATION_ID_PROPERTY, startOffice } from "./office-adapter";

const FORMATION_ID = "0c1d2e3f-0000-4000-8000-0000000000aa";

const options = (change: Partial<FakeOfficeOptions>): FakeOfficeOptions => ({
  host: "Outlook",
  answers: true,
  item: { kind: "appointment-compose" },
  displayLanguage: "en-GB",
  emailAddress: "lea.martin@formation.demo",
  ...change,
});

const adapterOn = (office: ReturnType<typeof fakeOffice>) => createOfficeAdapter(office as unknown as typeof Office);

describe("the Office adapter", () => {
  it("fills the appointment being composed and tags it with the formation", async () => {
    const office = fakeOffice(options({}));
    const adapter = adapterOn(office);
    expect(adapter.itemKind()).toBe("appointment-compose");
    await adapter.fillAppointment({
      formationId: FORMATION_ID,
      subject: "RGPD : les fondamentaux",
      start: new Date("2026-12-01T08:00:00Z"),
      end: new Date("2026-12-01T12:00:00Z"),
      location: "Salle Curie",
      body: "<p>RGPD</p>",
    });
    expect(office.__calls).toEqual([
      { method: "subject.setAsync", value: "RGPD : les fondamentaux" },
      { method: "start.setAsync", value: "2026-12-01T08:00:00.000Z" },
      { method: "end.setAsync", value: "2026-12-01T12:00:00.000Z" },
      { method: "location.setAsync", value: "Salle Curie" },
      { method: "body.setAsync", value: "<p>RGPD</p>" },
      { method: "customProperties.set", value: { [FORMATION_ID_PROPERTY]: FORMATION_ID } },
      { method: "customProperties.saveAsync", value: { [FORMATION_ID_PROPERTY]: FORMATION_ID } },
    ]);
  });

  it("refuses to fill an appointment open in read mode", async () => {
    const adapter = adapterOn(fakeOffice(options({ item: { kind: "appointment-read", subject: "RGPD" } })));
    expect(adapter.itemKind()).toBe("appointment-read");
    await expect(adapter.fillAppointment({ formationId: FORMATION_ID, subject: "x", start: new Date(), end: new Date(), location: "", body: "" })).rejects.toThrow(/composed/);
  });

  it("reads a read-mode appointment's formation tag and categories", async () => {
    const item = { kind: "appointment-read", subject: "RGPD", start: "2026-12-01T08:00:00.000Z", categories: ["Formation"], customProperties: { [FORMATION_ID_PROPERTY]: FORMATION_ID } } as const;
    expect(await adapterOn(fakeOffice(options({ item: { ...item, categories: [...item.categories] } }))).readAppointment()).toEqual({
      subject: "RGPD",
      start: new Date("2026-12-01T08:00:00.000Z"),
      categories: ["Formation"],
      formationId: FORMATION_ID,
    });
  });

  it("knows a message from an appointment, and no item at all", async () => {
    expect(adapterOn(fakeOffice(options({ item: { kind: "message-read" } }))).itemKind()).toBe("message-read");
    const none = adapterOn(fakeOffice(options({ item: null })));
    expect(none.itemKind()).toBe("none");
    expect(await none.readAppointment()).toBeNull();
  });

  it("gives Outlook's display language and the mailbox's address", () => {
    const adapter = adapterOn(fakeOffice(options({ displayLanguage: "fr-FR" })));
    expect(adapter.displayLanguage()).toBe("fr-FR");
    expect(adapter.mailboxAddress()).toBe("lea.martin@formation.demo");
  });
});

describe("starting Office", () => {
  const start = (office: ReturnType<typeof fakeOffice> | undefined, timeoutMs = 50) => startOffice(office as unknown as typeof Office | undefined, timeoutMs);

  it("answers with an adapter in Outlook", async () => {
    expect((await start(fakeOffice(options({})))).kind).toBe("outlook");
  });

  it("says so when office.js runs outside Office", async () => {
    expect(await start(fakeOffice(options({ host: null })))).toEqual({ kind: "outside-office" });
  });

  it("gives up when Office never answers, or office.js never loaded", async () => {
    expect(await start(fakeOffice(options({ answers: false })))).toEqual({ kind: "no-answer" });
    expect(await start(undefined)).toEqual({ kind: "no-answer" });
  });
});
