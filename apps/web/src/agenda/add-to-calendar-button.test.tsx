import type { AppRouter } from "@agenda/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { trpc } from "../api/trpc";
import { AddToCalendarButton } from "./add-to-calendar-button";

const ICS = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n";

afterEach(() => vi.restoreAllMocks());

describe("AddToCalendarButton", () => {
  it("downloads the formation's .ics file as the server made it, under the server's file name", async () => {
    const asked: unknown[] = [];
    const link: TRPCLink<AppRouter> =
      () =>
      ({ op }) =>
        observable((observer) => {
          asked.push({ path: op.path, input: op.input });
          observer.next({ result: { type: "data", data: { filename: "rgpd.ics", ics: ICS } } });
          observer.complete();
        });
    const blobs: Blob[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return "blob:formation";
    });
    const clicked: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
    render(
      <trpc.Provider client={trpc.createClient({ links: [link] })} queryClient={queryClient}>
        <QueryClientProvider client={queryClient}>
          <AddToCalendarButton formationId="9e8d7c6b-0000-4000-8000-000000000004" title="RGPD" />
        </QueryClientProvider>
      </trpc.Provider>,
    );

    await userEvent.click(screen.getByRole("button", { name: "Ajouter à mon calendrier : RGPD" }));
    await vi.waitFor(() => expect(clicked).toEqual([{ href: "blob:formation", download: "rgpd.ics" }]));
    expect(asked).toEqual([
      { path: "feeds.formationIcs", input: { formationId: "9e8d7c6b-0000-4000-8000-000000000004" } },
    ]);
    expect(blobs[0]?.type).toBe("text/calendar");
    expect(await blobs[0]?.text()).toBe(ICS);
  });
});
