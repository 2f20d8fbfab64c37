import type { AppRouter } from "@agenda/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { trpc } from "../api/trpc";
import { CalendarFeedCard } from "./calendar-feed-card";

function feedAt(secret: string) {
  const url = `https://agenda.example.test/feeds/${secret}.ics`;
  return {
    enabled: true as const,
    url,
    webcalUrl: url.replace("https:", "webcal:"),
    outlookUrl: `https://outlook.office.com/calendar/0/addfromweb?url=${encodeURIComponent(url)}&name=Mes%20formations`,
    googleUrl: `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(url.replace("https:", "webcal:"))}`,
    includePersonalEvents: false,
    secretIssuedAt: "2026-12-01T09:00:00.000Z",
  };
}

/** A server stand-in holding one person's feed: off at first, a new secret at each rotation. */
function feedServer() {
  let feed: ReturnType<typeof feedAt> | { enabled: false } = { enabled: false };
  let rotations = 0;
  const calls: string[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        calls.push(op.path);
        if (op.path === "feeds.rotate") feed = feedAt(`agd_ics_${++rotations}`);
        if (op.path === "feeds.updateSettings" && feed.enabled)
          feed = { ...feed, ...(op.input as { includePersonalEvents: boolean }) };
        if (op.path === "feeds.delete") feed = { enabled: false };
        observer.next({ result: { type: "data", data: op.path === "feeds.delete" ? { deleted: true } : feed } });
        observer.complete();
      });
  return { link, calls };
}

function renderCard() {
  const server = feedServer();
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  render(
    <trpc.Provider client={trpc.createClient({ links: [server.link] })} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <CalendarFeedCard />
      </QueryClientProvider>
    </trpc.Provider>,
  );
  return server;
}

const address = () => (screen.getByLabelText("Adresse du calendrier (https)") as HTMLInputElement).value;

describe("CalendarFeedCard", () => {
  it("creates the link on request, shows it with its webcal form, the pages of Outlook and Google, and how often calendars refresh", async () => {
    renderCard();
    await userEvent.click(await screen.findByRole("button", { name: "Créer mon lien d'abonnement" }));
    await screen.findByLabelText("Adresse du calendrier (https)");
    expect(address()).toBe("https://agenda.example.test/feeds/agd_ics_1.ics");
    expect((screen.getByLabelText("Adresse webcal:// (Apple Calendrier, Thunderbird)") as HTMLInputElement).value).toBe(
      "webcal://agenda.example.test/feeds/agd_ics_1.ics",
    );
    expect(screen.getByRole("link", { name: "Ajouter à Outlook sur le web" }).getAttribute("href")).toBe(
      feedAt("agd_ics_1").outlookUrl,
    );
    expect(screen.getByRole("link", { name: "Ajouter à Google Agenda" }).getAttribute("href")).toBe(
      feedAt("agd_ics_1").googleUrl,
    );
    expect(screen.getByRole("link", { name: "Ouvrir dans mon application de calendrier" }).getAttribute("href")).toBe(
      "webcal://agenda.example.test/feeds/agd_ics_1.ics",
    );
    expect(screen.getByText(/se mettent à jour à leur rythme/)).toBeTruthy();
  });

  it("copies an address to the clipboard and says so", async () => {
    renderCard();
    await userEvent.click(await screen.findByRole("button", { name: "Créer mon lien d'abonnement" }));
    await screen.findByLabelText("Adresse du calendrier (https)");
    const writeText = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue();
    await userEvent.click(screen.getByRole("button", { name: "Copier : Adresse du calendrier (https)" }));
    expect(writeText).toHaveBeenCalledWith("https://agenda.example.test/feeds/agd_ics_1.ics");
    expect(await screen.findByText("Adresse copiée.")).toBeTruthy();
  });

  it("replaces the link only once the person confirms, then turns it off", async () => {
    const server = renderCard();
    await userEvent.click(await screen.findByRole("button", { name: "Créer mon lien d'abonnement" }));
    await screen.findByLabelText("Adresse du calendrier (https)");

    await userEvent.click(screen.getByRole("button", { name: "Générer un nouveau lien" }));
    expect(screen.getByText(/cessera aussitôt de fonctionner/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Annuler" }));
    expect(address()).toBe("https://agenda.example.test/feeds/agd_ics_1.ics");
    await userEvent.click(screen.getByRole("button", { name: "Générer un nouveau lien" }));
    await userEvent.click(screen.getByRole("button", { name: "Oui, générer un nouveau lien" }));
    await vi.waitFor(() => expect(address()).toBe("https://agenda.example.test/feeds/agd_ics_2.ics"));

    await userEvent.click(screen.getByRole("checkbox", { name: "Inclure aussi mes événements personnels" }));
    await vi.waitFor(() => expect((screen.getByRole("checkbox") as HTMLInputElement).checked).toBe(true));

    await userEvent.click(screen.getByRole("button", { name: "Désactiver le lien" }));
    expect(await screen.findByRole("button", { name: "Créer mon lien d'abonnement" })).toBeTruthy();
    expect(server.calls.filter((path) => path !== "feeds.get")).toEqual([
      "feeds.rotate",
      "feeds.rotate",
      "feeds.updateSettings",
      "feeds.delete",
    ]);
  });
});
