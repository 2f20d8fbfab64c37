import type { AppRouter } from "@agenda/api";
import { FORMATION_ID_CUSTOM_PROPERTY } from "@agenda/addin-manifest/custom-properties";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiClientProvider } from "../api/api-provider";
import type { Formation, FormationInOutlook, SyncStatus } from "../api/trpc";
import { LanguageProvider, type Language } from "../i18n/i18n";
import { createOfficeAdapter, OfficeDialogError } from "../office/office-adapter";
import { fakeOffice, type FakeItem } from "../test-support/fake-office";
import { Taskpane } from "./taskpane";

const FORMATION: FormationInOutlook = {
  formationId: "0c1d2e3f-0000-4000-8000-0000000000aa",
  eventId: "0c1d2e3f-0000-4000-8000-0000000000bb",
  title: "RGPD : les fondamentaux",
  startsAt: "2026-12-01T08:00:00.000Z",
  endsAt: "2026-12-01T12:00:00.000Z",
  location: "Salle Curie",
  outlookState: "not_exported",
  outlookEventId: null,
  syncError: null,
};

const FORMATION_ICS = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n";

const STATUS: SyncStatus = {
  state: "not_connected",
  integrationId: null,
  accountEmail: null,
  reason: null,
  lastSyncAt: null,
  lastSyncResult: null,
  mode: null,
  unreviewedConflicts: 0,
  importRun: null,
};

/** What the server answers a Microsoft token whose account connected no Outlook to the platform. */
const UNLINKED_ACCOUNT = "unlinked account";
const unlinkedAccountError = () =>
  TRPCClientError.from<AppRouter>({
    error: {
      code: -32001,
      message: "Ce compte Microsoft n'est relié à aucun utilisateur d'Agenda.",
      data: { code: "UNAUTHORIZED", httpStatus: 401, appCode: "MICROSOFT_ACCOUNT_UNKNOWN" },
    },
  });

/** The product's API as the taskpane sees it: answers (a pushed formation is then in Outlook), and the mutations it was asked for. */
function fakeApi(status: SyncStatus | typeof UNLINKED_ACCOUNT = STATUS, failFirstRead?: Error) {
  const mutations: Array<{ path: string; input: unknown }> = [];
  let failure = failFirstRead;
  const formation: Partial<Formation> = {
    id: FORMATION.formationId,
    title: FORMATION.title,
    startsAt: FORMATION.startsAt,
    endsAt: FORMATION.endsAt,
    location: "Salle Curie",
    trainer: { id: "t", name: "Thomas Bernard", email: "t@x" },
    learnerCount: 12,
    description: "",
  };
  const answers: Record<string, unknown> = {
    "sync.formations": [FORMATION],
    "formations.get": formation,
    "sync.exportFormation": { status: "created" },
    "feeds.formationIcs": { filename: "rgpd-les-fondamentaux.ics", ics: FORMATION_ICS },
  };
  const queries: Array<{ path: string; input: unknown }> = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        if (status === UNLINKED_ACCOUNT) {
          observer.error(unlinkedAccountError());
          return;
        }
        if (op.type === "subscription") {
          observer.next({ result: { type: "started" } });
          observer.next({ result: { type: "data", data: status } });
          return;
        }
        if (failure && op.path === "sync.formations") {
          // As the API client reports a token source that failed: the request's error, caused by it.
          observer.error(TRPCClientError.from(failure));
          failure = undefined;
          return;
        }
        if (op.type === "query") queries.push({ path: op.path, input: op.input });
        if (op.type === "mutation") {
          mutations.push({ path: op.path, input: op.input });
          answers["sync.formations"] = [{ ...FORMATION, outlookState: "in_outlook" }];
        }
        observer.next({ result: { type: "data", data: answers[op.path] } });
        observer.complete();
      });
  return { link, mutations, queries };
}

function renderTaskpane(
  item: FakeItem,
  status?: SyncStatus | typeof UNLINKED_ACCOUNT,
  language: Language = "fr",
  failFirstRead?: Error,
) {
  const office = fakeOffice({
    host: "Outlook",
    answers: true,
    item,
    displayLanguage: "fr-FR",
    emailAddress: "lea.martin@formation.demo",
  });
  const api = fakeApi(status, failFirstRead);
  render(
    <LanguageProvider initial={language}>
      <FluentProvider theme={webLightTheme}>
        <ApiClientProvider client={createTRPCClient<AppRouter>({ links: [api.link] })}>
          <Taskpane adapter={createOfficeAdapter(office as unknown as typeof Office)} />
        </ApiClientProvider>
      </FluentProvider>
    </LanguageProvider>,
  );
  return { office, api };
}

describe("the taskpane", () => {
  it("lists the formations with their Outlook state and pushes one in a click", async () => {
    const { api } = renderTaskpane({ kind: "message-read" });
    const card = await screen.findByRole("listitem", { name: FORMATION.title });
    expect(card.textContent).toContain("Pas encore dans Outlook");
    expect(screen.queryByRole("button", { name: "Remplir avec cette formation" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Ajouter à Outlook" }));
    await screen.findByText("Ajoutée à votre calendrier Outlook.");
    await waitFor(() => expect(card.textContent).toContain("Dans Outlook"));
    expect(screen.getByRole("button", { name: "Renvoyer vers Outlook" })).toBeTruthy();
    expect(api.mutations).toEqual([{ path: "sync.exportFormation", input: { formationId: FORMATION.formationId } }]);
  });

  it("downloads a formation as the .ics file the server made, to add to any calendar", async () => {
    const { api } = renderTaskpane({ kind: "message-read" });
    const saved: Array<{ href: string; download: string; text: Promise<string> }> = [];
    const blobs = new Map<string, Blob>();
    const createObjectURL = vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
      blobs.set(`blob:${blobs.size}`, blob as Blob);
      return `blob:${blobs.size - 1}`;
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({
        href: this.href,
        download: this.download,
        text: blobs.get(this.href)?.text() ?? Promise.resolve(""),
      });
    });
    try {
      await userEvent.click(await screen.findByRole("button", { name: "Ajouter à mon calendrier" }));
      await waitFor(() => expect(saved.map(({ download }) => download)).toEqual(["rgpd-les-fondamentaux.ics"]));
      expect(await saved[0]?.text).toBe(FORMATION_ICS);
      expect(blobs.get("blob:0")?.type).toBe("text/calendar");
      expect(api.queries.filter(({ path }) => path === "feeds.formationIcs")).toEqual([
        { path: "feeds.formationIcs", input: { formationId: FORMATION.formationId } },
      ]);
      expect(api.mutations).toEqual([]);
    } finally {
      createObjectURL.mockRestore();
      click.mockRestore();
    }
  });

  it("fills the appointment being composed with a formation", async () => {
    const { office } = renderTaskpane({ kind: "appointment-compose" });
    await userEvent.click(await screen.findByRole("button", { name: "Remplir avec cette formation" }));
    await screen.findByText(`Le rendez-vous a été rempli avec « ${FORMATION.title} ».`);
    expect(
      office.__calls
        .filter(({ method }) => method.endsWith("setAsync"))
        .map(({ method, value }) => [method, method === "body.setAsync" ? "…" : value]),
    ).toEqual([
      ["subject.setAsync", FORMATION.title],
      ["start.setAsync", FORMATION.startsAt],
      ["end.setAsync", FORMATION.endsAt],
      ["location.setAsync", "Salle Curie"],
      ["body.setAsync", "…"],
    ]);
    expect(office.__calls.at(-1)).toEqual({
      method: "customProperties.saveAsync",
      value: { [FORMATION_ID_CUSTOM_PROPERTY]: FORMATION.formationId },
    });
  });

  it("shows the formation an appointment in read mode is, and the enrolment", async () => {
    renderTaskpane({
      kind: "appointment-read",
      subject: FORMATION.title,
      start: FORMATION.startsAt,
      categories: ["Formation"],
    });
    const details = await screen.findByTestId("current-formation");
    await waitFor(() => expect(details.textContent).toContain("Formateur : Thomas Bernard"));
    expect(details.textContent).toContain("Vous êtes inscrit(e) à cette formation.");
  });

  it("offers to connect Outlook when it is not connected, and says when it is in sync", async () => {
    renderTaskpane({ kind: "message-read" });
    expect((await screen.findByRole("link", { name: "Connecter Outlook" })).getAttribute("href")).toMatch(
      /\/agenda\/settings$/,
    );
    expect(screen.getByTestId("sync-status").textContent).toContain("Outlook n'est pas encore connecté");
  });

  it("shows the live sync status of a connected Outlook", async () => {
    renderTaskpane(
      { kind: "message-read" },
      { ...STATUS, state: "idle", accountEmail: "lea.martin@formation.demo", integrationId: "i", mode: "polling" },
    );
    await screen.findByText("Synchronisé avec lea.martin@formation.demo");
    expect(screen.getByRole("link", { name: "Paramètres calendrier" })).toBeTruthy();
  });

  it("speaks English when Outlook does", async () => {
    renderTaskpane(
      { kind: "appointment-compose" },
      { ...STATUS, state: "idle", accountEmail: "lea.martin@formation.demo", integrationId: "i", mode: "polling" },
      "en",
    );
    const card = await screen.findByRole("listitem", { name: FORMATION.title });
    expect(card.textContent).toContain("Not in Outlook yet");
    expect(screen.getByRole("button", { name: "Fill with this formation" })).toBeTruthy();
    await screen.findByText("In sync with lea.martin@formation.demo");
  });

  it("sends a Microsoft account the platform does not know to the settings to connect Outlook", async () => {
    renderTaskpane({ kind: "message-read" }, UNLINKED_ACCOUNT);
    await screen.findByText(/Votre compte Microsoft n'est pas encore relié à votre agenda/);
    expect(screen.getByRole("link", { name: "Connecter Outlook" }).getAttribute("href")).toMatch(/\/agenda\/settings$/);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says the sign-in window was closed, and signs in again on retry", async () => {
    renderTaskpane({ kind: "message-read" }, undefined, "fr", new OfficeDialogError(12006));
    expect((await screen.findByRole("alert")).textContent).toContain(
      "La fenêtre de connexion a été fermée avant la fin",
    );
    await userEvent.click(screen.getByRole("button", { name: "Réessayer" }));
    await screen.findByRole("listitem", { name: FORMATION.title });
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
