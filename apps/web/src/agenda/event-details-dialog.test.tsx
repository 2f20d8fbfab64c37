import type { AppRouter } from "@agenda/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { trpc } from "../api/trpc";
import { i18n } from "../i18n/i18n";
import { agendaEvent, syncConflict } from "../test-support/fixtures";
import { EventDetailsDialog } from "./event-details-dialog";

const noop = () => {};
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
/** A server that is never reached: what these tests look at needs no answer. */
const noAnswer: TRPCLink<AppRouter> = () => () => observable(() => {});

function renderDialog(
  event = agendaEvent(),
  onDelete = noop,
  conflict: ReturnType<typeof syncConflict> | null = null,
  onReviewConflict = noop,
) {
  return render(
    // A formation's dialog offers its .ics download (a query of its own), and links to the formation.
    <trpc.Provider client={trpc.createClient({ links: [noAnswer] })} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter>
          <EventDetailsDialog
            event={event}
            timeZone="Europe/Paris"
            onClose={noop}
            onEdit={noop}
            onDelete={onDelete}
            deleting={false}
            deleteError={null}
            conflict={conflict}
            onReviewConflict={onReviewConflict}
            reviewingConflict={false}
          />
        </MemoryRouter>
      </QueryClientProvider>
    </trpc.Provider>,
  );
}

describe("EventDetailsDialog", () => {
  it("says where a formation comes from, when it is in the person's zone, and its state in Outlook", () => {
    renderDialog(
      agendaEvent({
        source: "formation",
        title: "RGPD",
        syncStatus: "pending",
        outlook: { eventId: "AAMk=", calendarId: null, seriesMasterId: null },
      }),
    );
    const dialog = screen.getByRole("dialog", { name: "RGPD" });
    expect(dialog.textContent).toContain("Formation");
    expect(dialog.textContent).toMatch(/jeudi 26 novembre 2026, 14:00\s–\s15:30/);
    expect(dialog.textContent).toContain("Synchronisation avec Outlook en attente");
    expect(screen.getByRole("link", { name: "Ouvrir dans Outlook" }).getAttribute("href")).toBe(
      "https://outlook.office.com/calendar/item/AAMk%3D",
    );
    expect(screen.queryByRole("button", { name: "Modifier" })).toBeNull();
  });

  it("says a cancelled formation's session is cancelled, and why, and links to the formation", () => {
    renderDialog(
      agendaEvent({
        source: "formation",
        title: "RGPD",
        formationId: "5b1c0d2e-0000-4000-8000-000000000002",
        cancelled: true,
        cancellationReason: "Formateur malade",
      }),
    );
    const dialog = screen.getByRole("dialog", { name: "RGPD" });
    expect(dialog.textContent).toContain("ÉtatAnnulée – motif : Formateur malade");
    expect(screen.getByRole("link", { name: "Voir la formation" }).getAttribute("href")).toBe(
      "/planning/5b1c0d2e-0000-4000-8000-000000000002",
    );
  });

  it("says nothing of a cancellation for a formation that takes place", () => {
    renderDialog(agendaEvent({ source: "formation", title: "RGPD", formationId: "f" }));
    expect(screen.getByRole("dialog").textContent).not.toContain("Annulée");
  });

  it("shows a sync error as it came", () => {
    renderDialog(
      agendaEvent({
        syncStatus: "error",
        syncError: "Outlook a refusé la modification",
        outlook: { eventId: "x", calendarId: null, seriesMasterId: null },
      }),
    );
    expect(screen.getByRole("dialog").textContent).toContain(
      "Erreur de synchronisation avec Outlook – Outlook a refusé la modification",
    );
  });

  it("makes an online meeting a link only when its URL is https, and shows any other as plain text", () => {
    const teams = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0";
    renderDialog(agendaEvent({ source: "outlook", onlineUrl: teams }));
    expect(screen.getByRole("link", { name: "Rejoindre la réunion" }).getAttribute("href")).toBe(teams);
    cleanup();

    for (const onlineUrl of ["javascript:alert(1)", "http://meet.example.test/room"]) {
      renderDialog(agendaEvent({ source: "outlook", onlineUrl }));
      const dialog = screen.getByRole("dialog");
      expect(within(dialog).queryByRole("link", { name: "Rejoindre la réunion" })).toBeNull();
      expect(dialog.querySelectorAll("a[href]:not([href^='https:'])")).toHaveLength(0);
      expect(dialog.textContent).toContain(`Réunion en ligne${onlineUrl}`);
      cleanup();
    }
  });

  it("deletes a personal event only after confirmation", async () => {
    const onDelete = vi.fn();
    const event = agendaEvent();
    renderDialog(event, onDelete);
    expect(screen.getByRole("dialog").textContent).toContain("Pas dans Outlook");
    await userEvent.click(screen.getByRole("button", { name: "Supprimer" }));
    expect(onDelete).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Oui, supprimer" }));
    expect(onDelete).toHaveBeenCalledWith(event);
  });

  it("shows the event's sync conflict with both versions, until it is marked seen", async () => {
    const onReview = vi.fn();
    const conflict = syncConflict();
    renderDialog(agendaEvent(), noop, conflict, onReview);
    const section = screen.getByRole("region", { name: "Conflit de synchronisation" });
    expect(section.textContent).toContain("Version gardée : celle d'Outlook.");
    expect(screen.getByRole("table", { name: "Les deux versions de « Révision »" }).textContent).toContain(
      "Révision du chapitre 3",
    );
    await userEvent.click(screen.getByRole("button", { name: "Marquer comme vu" }));
    expect(onReview).toHaveBeenCalledWith(conflict);
  });

  it("speaks English when asked", async () => {
    await i18n.changeLanguage("en");
    renderDialog(agendaEvent({ source: "outlook" }));
    expect(screen.getByRole("dialog").textContent).toContain("Outlook event");
    expect(screen.getByRole("dialog").textContent).toContain("This event comes from Outlook: change it in Outlook.");
  });
});
