import { FORMATION_ID_CUSTOM_PROPERTY } from "@agenda/addin-manifest/custom-properties";
import { describe, expect, it } from "vitest";
import { fakeOffice, type FakeOfficeOptions } from "../test-support/fake-office";
import { createOfficeAdapter, OfficeDialogError, startDialogHost, startOffice } from "./office-adapter";

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
      { method: "customProperties.set", value: { [FORMATION_ID_CUSTOM_PROPERTY]: FORMATION_ID } },
      { method: "customProperties.saveAsync", value: { [FORMATION_ID_CUSTOM_PROPERTY]: FORMATION_ID } },
    ]);
  });

  it("refuses to fill an appointment open in read mode", async () => {
    const adapter = adapterOn(fakeOffice(options({ item: { kind: "appointment-read", subject: "RGPD" } })));
    expect(adapter.itemKind()).toBe("appointment-read");
    await expect(
      adapter.fillAppointment({
        formationId: FORMATION_ID,
        subject: "x",
        start: new Date(),
        end: new Date(),
        location: "",
        body: "",
      }),
    ).rejects.toThrow(/composed/);
  });

  it("reads a read-mode appointment's formation tag and categories", async () => {
    const item = {
      kind: "appointment-read",
      subject: "RGPD",
      start: "2026-12-01T08:00:00.000Z",
      categories: ["Formation"],
      customProperties: { [FORMATION_ID_CUSTOM_PROPERTY]: FORMATION_ID },
    } as const;
    expect(
      await adapterOn(fakeOffice(options({ item: { ...item, categories: [...item.categories] } }))).readAppointment(),
    ).toEqual({
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

describe("the Office adapter's sign-in", () => {
  const SIGN_IN_URL = `${location.origin}/addin/sign-in.html`;

  it("says whether Outlook offers Nested App Authentication", () => {
    expect(adapterOn(fakeOffice(options({}))).nestedAppAuthSupported()).toBe(true);
    expect(adapterOn(fakeOffice(options({ nestedAppAuth: false }))).nestedAppAuthSupported()).toBe(false);
  });

  it("answers the sign-in dialog's first message and closes the dialog", async () => {
    const office = fakeOffice(
      options({ dialog: { kind: "messages", messages: [{ message: '{"accessToken":"t"}' }, { message: "later" }] } }),
    );
    expect(await adapterOn(office).openSignInDialog(SIGN_IN_URL)).toBe('{"accessToken":"t"}');
    expect(office.__calls).toEqual([
      { method: "ui.displayDialogAsync", value: SIGN_IN_URL },
      { method: "dialog.close", value: null },
    ]);
  });

  it("ignores a message from another origin", async () => {
    const forged = { message: '{"accessToken":"forged"}', origin: "https://evil.example.com" };
    const office = fakeOffice(
      options({ dialog: { kind: "messages", messages: [forged, { message: '{"accessToken":"t"}' }] } }),
    );
    expect(await adapterOn(office).openSignInDialog(SIGN_IN_URL)).toBe('{"accessToken":"t"}');
  });

  it.each([
    ["closed by the person", { kind: "event", code: 12006 } as const, "closed"],
    ["blocked", { kind: "refused", code: 12009 } as const, "blocked"],
    ["refused while another is open", { kind: "refused", code: 12007 } as const, "already-open"],
    ["unable to load its page", { kind: "event", code: 12002 } as const, "failed"],
  ])("fails with a typed error when the dialog is %s", async (_case, dialog, reason) => {
    const failure = await adapterOn(fakeOffice(options({ dialog })))
      .openSignInDialog(SIGN_IN_URL)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OfficeDialogError);
    expect(failure).toMatchObject({ reason, code: dialog.code });
  });
});

describe("following the pinned pane's item", () => {
  it("subscribes to ItemChanged and unsubscribes with the answer", () => {
    const office = fakeOffice(options({}));
    const stop = adapterOn(office).onItemChanged(() => undefined);
    stop();
    expect(office.__calls).toEqual([
      { method: "mailbox.addHandlerAsync", value: "olkItemSelectedChanged" },
      { method: "mailbox.removeHandlerAsync", value: "olkItemSelectedChanged" },
    ]);
  });
});

describe("starting Office", () => {
  const start = (office: ReturnType<typeof fakeOffice> | undefined, timeoutMs = 50) =>
    startOffice(office as unknown as typeof Office | undefined, timeoutMs);

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

describe("starting the sign-in dialog's page", () => {
  it("answers the pane through messageParent, in Outlook's language", async () => {
    const office = fakeOffice(options({ item: null, displayLanguage: "en-US" }));
    const host = await startDialogHost(office as unknown as typeof Office, 50);
    expect(host?.displayLanguage()).toBe("en-US");
    host?.messageParent('{"accessToken":"t"}');
    expect(office.__calls).toEqual([{ method: "ui.messageParent", value: '{"accessToken":"t"}' }]);
  });

  it("gives up when Office never answers", async () => {
    expect(await startDialogHost(fakeOffice(options({ answers: false })) as unknown as typeof Office, 50)).toBeNull();
  });
});
