import type { AppRouter } from "@agenda/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { trpc } from "../api/trpc";
import { FormationForm } from "./formation-form";
import { newFormationValues, type FormationUpsertFields } from "./formation-form-values";

const PEOPLE = [
  { id: "u-lea", platformUserId: "p-lea", name: "Léa Martin", email: "lea@example.test" },
  { id: "u-noe", platformUserId: "p-noe", name: "Noé Martin", email: "noe@example.test" },
];

/** A server stand-in answering `users.search` from PEOPLE, and noting each query it receives. */
function searchServer() {
  const queries: string[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        const { query } = op.input as { query: string };
        queries.push(query);
        const found = PEOPLE.filter(({ name, email }) =>
          `${name} ${email}`.toLowerCase().includes(query.toLowerCase()),
        );
        observer.next({ result: { type: "data", data: found } });
        observer.complete();
      });
  return { link, queries };
}

function renderForm(onSave: (fields: FormationUpsertFields) => void) {
  const server = searchServer();
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <trpc.Provider client={trpc.createClient({ links: [server.link] })} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <FormationForm
          initialValues={newFormationValues(new Date("2026-12-06T13:00:00Z"), "Europe/Paris")}
          saving={false}
          saveError={null}
          onSave={onSave}
        />
      </QueryClientProvider>
    </trpc.Provider>,
  );
  return server;
}

// Typing key by key through user-event takes seconds on a busy machine.
describe("FormationForm", { timeout: 20_000 }, () => {
  it("says in French what stops it from being sent, beside the field and in a summary, and sends nothing", async () => {
    const onSave = vi.fn();
    renderForm(onSave);
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText("Fin de la séance 1"));
    await user.type(screen.getByLabelText("Fin de la séance 1"), "2026-12-07T08:00");
    await user.type(screen.getByLabelText("Lien en ligne (https)"), "http://visio.example.test");
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    const summary = screen.getByRole("alert");
    expect(
      within(summary)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([
      "Indiquez un intitulé.",
      "Le lien en ligne doit être une adresse https://.",
      "Séance 1 : la fin doit être après le début.",
    ]);
    const end = screen.getByLabelText("Fin de la séance 1");
    expect(end.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(end.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Séance 1 : la fin doit être après le début.",
    );
    expect(onSave).not.toHaveBeenCalled();
  });

  it("adds and removes sessions, finds people once typing pauses, enrols them and sends it all", async () => {
    const onSave = vi.fn();
    const server = renderForm(onSave);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Intitulé"), "Sécurité incendie");
    await user.click(screen.getByRole("button", { name: "Ajouter une séance" }));
    await user.click(screen.getByRole("button", { name: "Ajouter une séance" }));
    expect((screen.getByLabelText("Début de la séance 3") as HTMLInputElement).value).toBe("2026-12-09T09:00");
    await user.click(screen.getByRole("button", { name: "Supprimer la séance 2" }));
    expect(screen.queryByLabelText("Début de la séance 3")).toBeNull();

    await user.type(screen.getByLabelText("Chercher une personne (nom ou e-mail)"), "martin");
    await user.click(await screen.findByRole("button", { name: "Inscrire Noé Martin" }));
    // One search for what was typed, not one per letter.
    expect(server.queries).toEqual(["martin"]);
    const enrolled = screen.getByRole("list", { name: "Apprenants inscrits" });
    expect(enrolled.textContent).toContain("Noé Martin");
    expect(screen.getByText("Noé Martin est inscrit(e)")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(onSave).toHaveBeenCalledWith({
      title: "Sécurité incendie",
      description: "",
      timeZone: "Europe/Paris",
      location: null,
      onlineUrl: null,
      status: "scheduled",
      cancellationReason: null,
      sessions: [
        { startsAt: "2026-12-07T09:00:00+01:00", endsAt: "2026-12-07T17:00:00+01:00" },
        { startsAt: "2026-12-09T09:00:00+01:00", endsAt: "2026-12-09T17:00:00+01:00" },
      ],
      learners: [{ platformUserId: "p-noe", name: "Noé Martin", email: "noe@example.test" }],
    });
  });
});
