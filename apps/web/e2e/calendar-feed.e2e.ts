import { readFile } from "node:fs/promises";
import { readCalendar } from "@agenda/testing/icalendar";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, apiGet, apiToken, DEMO, signIn } from "./support/agenda";
import { seriousAccessibilityViolations } from "./support/axe";
import { launchChromium, saveScreenshot } from "./support/browser";

interface ListedEvent {
  title: string;
  source: string;
  formationId: string | null;
  formationSessionId: string | null;
  startsAt: string;
  endsAt: string;
}

const DAY_MS = 86_400_000;

/** The UID the feed gives the session an agenda row mirrors. */
const sessionUid = (event: ListedEvent) => `formation-session-${event.formationSessionId}@agenda`;

/** The learner's formations as the agenda lists them, over the month before and the three after. */
async function formationsOf(token: string): Promise<ListedEvent[]> {
  const now = Date.now();
  const { events } = await apiGet<{ events: ListedEvent[] }>(
    token,
    `/api/calendar/events?from=${new Date(now - 30 * DAY_MS).toISOString()}&to=${new Date(now + 90 * DAY_MS).toISOString()}`,
  );
  return events.filter(({ source }) => source === "formation");
}

describe("a private calendar feed from the settings page", () => {
  let browser: Browser;
  let page: Page;
  let token: string;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, DEMO.learner);
    token = await apiToken(DEMO.learner);
  });
  afterAll(() => browser.close());

  const card = () => page.getByRole("region", { name: "S'abonner depuis un autre calendrier" });
  const feedUrl = () => card().getByLabel("Adresse du calendrier (https)").inputValue();

  it("shows the learner her feed's address; a calendar app fetching it gets text/calendar holding her formations", async () => {
    await page.goto(agendaUrl("/agenda/settings"));
    await card().getByRole("button", { name: "Créer mon lien d'abonnement" }).click();
    await card().getByLabel("Adresse du calendrier (https)").waitFor();
    const url = await feedUrl();
    expect(url).toMatch(new RegExp(`^${agendaUrl("/feeds/agd_ics_")}[\\w-]{43}\\.ics$`));
    expect(await card().getByLabel("Adresse webcal:// (Apple Calendrier, Thunderbird)").inputValue()).toBe(
      url.replace(/^https?:/, "webcal:"),
    );
    expect(await card().getByRole("link", { name: "Ajouter à Google Agenda" }).getAttribute("href")).toContain(
      encodeURIComponent(url.replace(/^https?:/, "webcal:")),
    );
    await card()
      .getByText(/se mettent à jour à leur rythme/)
      .waitFor();
    await saveScreenshot(page, "calendar-feed-settings");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel("Langue").selectOption("en");
    const inEnglish = page.getByRole("region", { name: "Subscribe from another calendar" });
    await inEnglish.getByText(/refresh at their own pace/).waitFor();
    await saveScreenshot(page, "calendar-feed-settings-en");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel("Language").selectOption("fr");
    await card().waitFor();

    // As a calendar app polls it: the address alone, no session.
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const feed = readCalendar(await answer.text());
    expect(feed.name).toBe("Mes formations");
    const formations = await formationsOf(token);
    expect(formations.length).toBeGreaterThanOrEqual(3);
    for (const formation of formations) {
      expect(feed.events.find(({ uid }) => uid === sessionUid(formation))).toMatchObject({
        summary: formation.title,
        start: formation.startsAt,
        end: formation.endsAt,
        status: "CONFIRMED",
      });
    }
    const etag = answer.headers.get("etag") ?? "";
    expect((await fetch(url, { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("gives a new address once the learner confirms, the former one answering 404 at once, and turns it off", async () => {
    const former = await feedUrl();
    await card().getByRole("button", { name: "Générer un nouveau lien" }).click();
    await card().getByRole("button", { name: "Oui, générer un nouveau lien" }).click();
    await expect.poll(feedUrl).not.toBe(former);
    expect((await fetch(former)).status).toBe(404);
    const current = await feedUrl();
    expect((await fetch(current)).status).toBe(200);

    await card().getByRole("button", { name: "Désactiver le lien" }).click();
    await card().getByRole("button", { name: "Créer mon lien d'abonnement" }).waitFor();
    expect((await fetch(current)).status).toBe(404);
  });

  it("downloads a formation from its details as a published .ics, its sessions under the UIDs the feed gives them", async () => {
    await page.goto(agendaUrl("/agenda"));
    const formation = page.locator(".fc-event.event-source-formation").first();
    await formation.waitFor();
    const title = (await formation.locator(".event-title").textContent()) ?? "";
    await formation.click();
    const dialog = page.getByRole("dialog", { name: title });
    const downloading = page.waitForEvent("download");
    await dialog.getByRole("button", { name: `Ajouter à mon calendrier : ${title}` }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^[a-z0-9-]+\.ics$/);
    const file = readCalendar(await readFile(await download.path(), "utf8"));
    expect(file.method).toBe("PUBLISH");
    const listed = await formationsOf(token);
    const formationId = listed.find((event) => event.title === title)?.formationId;
    // The whole formation: one event per session, as the agenda lists them.
    const sessions = listed.filter((event) => event.formationId === formationId);
    expect(sessions.length).toBeGreaterThanOrEqual(1);
    expect(file.events.map(({ uid, summary, start, end }) => ({ uid, summary, start, end }))).toEqual(
      sessions.map((event) => ({
        uid: sessionUid(event),
        summary: event.title,
        start: event.startsAt,
        end: event.endsAt,
      })),
    );
    await saveScreenshot(page, "formation-add-to-calendar");
  });
});
