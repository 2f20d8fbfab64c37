import type { AppRouter } from "@agenda/api";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { trpc, type Formation, type FormationInOutlook, type SyncStatus } from "../api/trpc";
import { createOfficeAdapter, FORMATION_ID_PROPERTY } from "../office/office-adapter";
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

const STATUS: SyncStatus = { state: "not_connected", integrationId: null, accountEmail: null, reason: null, lastSyncAt: null, lastSyncResult: null, mode: null, unreviewedConflicts: 0 };

/** The product's API as the taskpane sees it: fixed answers, and the mutations it was asked for. */
function fakeApi(status: SyncStatus = STATUS) {
  const mutations: Array<{ path: string; input: unknown }> = [];
  const formation: Partial<Formation> = { id: FORMATION.formationId, title: FORMATION.title, startsAt: FORMATION.startsAt, endsAt: FORMATION.endsAt, location: "Salle Curie", trainer: { id: "t", name: "Thomas Bernard", email: "t@x" }, learnerCount: 12, description: "" };
  const answers: Record<string, unknown> = { "sync.formations": [FORMATION], "formations.get": formation, "sync.exportFormation": { status: "created" } };
  const link: TRPCLink<AppRouter> = () => ({ op }) =>
    observable((observer) => {
      if (op.type === "subscription") {
        observer.next({ result: { type: "started" } });
        observer.next({ result: { type: "data", data: status } });
        return;
      }
      if (op.type === "mutation") mutations.push({ path: op.path, input: op.input });
      observer.next({ result: { type: "data", data: answers[op.path] } });
      observer.complete();
    });
  return { link, mutations };
}

function renderTaskpane(item: FakeItem, status?: SyncStatus) {
  const office = fakeOffice({ host: "Outlook", answers: true, item, displayLanguage: "fr-FR", emailAddress: "lea.martin@formation.demo" });
  const api = fakeApi(status);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <FluentProvider theme={webLightTheme}>
      <trpc.Provider client={trpc.createClient({ links: [api.link] })} queryClient={queryClient}>
        <QueryClientProvider client={queryClient}>
          <Taskpane adapter={createOfficeAdapter(office as unknown as typeof Office)} />
        </QueryClientProvider>
      </trpc.Provider>
    </FluentProvider>,
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
    expect(api.mutations).toEqual([{ path: "sync.exportFormation", input: { formationId: FORMATION.formationId } }]);
  });

  it("fills the appointment being composed with a formation", async () => {
    const { office } = renderTaskpane({ kind: "appointment-compose" });
    await userEvent.click(await screen.findByRole("button", { name: "Remplir avec cette formation" }));
    await screen.findByText(`Le rendez-vous a été rempli avec « ${FORMATION.title} ».`);
    expect(office.__calls.filter(({ method }) => method.endsWith("setAsync")).map(({ method, value }) => [method, method === "body.setAsync" ? "…" : value])).toEqual([
      ["subject.setAsync", FORMATION.title],
      ["start.setAsync", FORMATION.startsAt],
      ["end.setAsync", FORMATION.endsAt],
      ["location.setAsync", "Salle Curie"],
      ["body.setAsync", "…"],
    ]);
    expect(office.__calls.at(-1)).toEqual({ method: "customProperties.saveAsync", value: { [FORMATION_ID_PROPERTY]: FORMATION.formationId } });
  });

  it("shows the formation an appointment in read mode is, and the enrolment", async () => {
    renderTaskpane({ kind: "appointment-read", subject: FORMATION.title, start: FORMATION.startsAt, categories: ["Formation"] });
    const details = await screen.findByTestId("current-formation");
    await waitFor(() => expect(details.textContent).toContain("Formateur : Thomas Bernard"));
    expect(details.textContent).toContain("Vous êtes inscrit(e) à cette formation.");
  });

  it("offers to connect Outlook when it is not connected, and says when it is in sync", async () => {
    renderTaskpane({ kind: "message-read" });
    expect((await screen.findByRole("link", { name: "Connecter Outlook" })).getAttribute("href")).toMatch(/\/agenda\/settings$/);
    expect(screen.getByTestId("sync-status").textContent).toContain("Outlook n'est pas encore connecté");
  });

  it("shows the live sync status of a connected Outlook", async () => {
    renderTaskpane({ kind: "message-read" }, { ...STATUS, state: "idle", accountEmail: "lea.martin@formation.demo", integrationId: "i", mode: "polling" });
    await screen.findByText("Synchronisé avec lea.martin@formation.demo");
    expect(screen.getByRole("link", { name: "Paramètres calendrier" })).toBeTruthy();
  });
});
