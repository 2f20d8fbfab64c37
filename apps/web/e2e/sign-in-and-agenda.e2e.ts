import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, apiGet, apiToken, DEMO, signIn, visibleEventTitles } from "./support/agenda";
import { launchChromium, saveScreenshot } from "./support/browser";

interface ListedEvent {
  title: string;
  source: string;
}

/** The titles in the month shown and the next one: the seeded formations are 2 to 9 days ahead. */
async function titlesOverTwoMonths(page: Page): Promise<Set<string>> {
  await page.locator(".fc-event").first().waitFor();
  const titles = new Set(await visibleEventTitles(page));
  await page.locator(".fc-next-button").click();
  await page
    .locator(".fc-event")
    .first()
    .waitFor({ timeout: 5_000 })
    .catch(() => undefined);
  for (const title of await visibleEventTitles(page)) titles.add(title);
  await page.locator(".fc-today-button").click();
  return titles;
}

describe("demo sign-in and Mon agenda", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser.close());

  it("sends a visitor to the demo sign-in, then shows the learner her seeded formations", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(agendaUrl("/agenda"));
    await page.waitForURL(agendaUrl("/sign-in?next=%2Fagenda"));
    await page.getByRole("heading", { level: 1, name: "Connexion de démonstration" }).waitFor();
    await expect.poll(() => page.title()).toBe("Connexion de démonstration · Agenda");

    await page.getByRole("button", { name: /Léa Martin/ }).click();
    await page.waitForURL(agendaUrl("/agenda"));
    await page.getByRole("heading", { level: 1, name: "Mon agenda" }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem("agenda.session-token"))).toMatch(/^ey/);

    const token = await apiToken(DEMO.learner);
    const now = Date.now();
    const { events } = await apiGet<{ events: ListedEvent[] }>(
      token,
      `/api/calendar/events?from=${new Date(now).toISOString()}&to=${new Date(now + 12 * 86_400_000).toISOString()}`,
    );
    const formations = events.filter(({ source }) => source === "formation").map(({ title }) => title);
    expect(formations).toHaveLength(3);
    const shown = await titlesOverTwoMonths(page);
    for (const title of formations) expect(shown).toContain(title);

    const legend = page.getByRole("region", { name: "Légende" });
    expect(await legend.getByRole("listitem").allTextContents()).toEqual([
      "Formation",
      "Événement Outlook",
      "Événement personnel",
    ]);
    await saveScreenshot(page, "agenda-month");
    await page.close();
  });

  it("opens a formation's details in a dialog, read-only, and closes it with Escape", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(agendaUrl("/sign-in"));
    await page.getByRole("button", { name: /Léa Martin/ }).click();
    const formation = page.locator(".fc-event.event-source-formation").first();
    await formation.waitFor();
    const title = (await formation.locator(".event-title").textContent()) ?? "";
    await formation.click();

    const dialog = page.getByRole("dialog", { name: title });
    await dialog.waitFor();
    const details = await dialog.locator("dl").textContent();
    expect(details).toContain("Formation");
    expect(details).toMatch(/\d{1,2}:\d{2}/);
    expect(await dialog.getByText("Cet événement reflète une formation").count()).toBe(1);
    expect(await dialog.getByRole("button", { name: "Modifier" }).count()).toBe(0);
    await saveScreenshot(page, "agenda-formation-details");

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.close();
  });

  it("switches between the month, week, day and list views", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(agendaUrl("/sign-in"));
    await page.getByRole("button", { name: /Léa Martin/ }).click();
    await page.locator(".fc-dayGridMonth-view").waitFor();
    for (const [button, view] of [
      ["Semaine", "timeGridWeek"],
      ["Jour", "timeGridDay"],
      ["Planning", "listWeek"],
      ["Mois", "dayGridMonth"],
    ] as const) {
      await page.getByRole("button", { name: button, exact: true }).click();
      await page.locator(`.fc-${view}-view`).waitFor();
    }
    await page.getByRole("button", { name: "Planning", exact: true }).click();
    await saveScreenshot(page, "agenda-list");
    await page.close();
  });

  it("speaks English when asked, calendar included, and remembers it", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(agendaUrl("/sign-in"));
    await page.getByRole("button", { name: /Léa Martin/ }).click();
    await page.getByRole("heading", { level: 1, name: "Mon agenda" }).waitFor();

    await page.getByLabel("Langue").selectOption("en");
    await page.getByRole("heading", { level: 1, name: "My agenda" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.getByRole("button", { name: "month", exact: true }).count()).toBe(1);
    await expect.poll(() => page.title()).toBe("My agenda · Agenda");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "My agenda" }).waitFor();
    await saveScreenshot(page, "agenda-english");
    await page.close();
  });

  it("shows a busy day's first events and the count of the others, which opens the day", async () => {
    const token = await apiToken(DEMO.admin);
    const today = DateTime.now().setZone("Europe/Paris").startOf("day");
    for (let hour = 8; hour < 14; hour++) {
      const startsAt = today.set({ hour });
      await fetch(agendaUrl("/api/calendar/events"), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          title: `Réunion ${hour} h`,
          startsAt: startsAt.toISO(),
          endsAt: startsAt.plus({ minutes: 30 }).toISO(),
        }),
      });
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, DEMO.admin);
    const day = page.locator(`td.fc-daygrid-day[data-date="${today.toISODate()}"]`);
    // Camille's profile is in English.
    const more = day.locator(".fc-event", { hasText: "+3 more" });
    await more.waitFor();
    expect(await day.locator(".fc-event .event-title").allTextContents()).toEqual([
      "Réunion 8 h",
      "Réunion 9 h",
      "Réunion 10 h",
      "+3 more",
    ]);
    await saveScreenshot(page, "agenda-busy-day");
    await more.click();
    await page.locator(`.fc-timeGridDay-view .fc-col-header-cell[data-date="${today.toISODate()}"]`).waitFor();
    expect(await page.locator(".fc-timeGridDay-view .fc-event.event-source-platform").count()).toBe(6);
    await page.close();
  });

  it("signs out, and the agenda then asks for sign-in again", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(agendaUrl("/sign-in"));
    await page.getByRole("button", { name: /Léa Martin/ }).click();
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.waitForURL(/\/sign-in/);
    expect(await page.evaluate(() => localStorage.getItem("agenda.session-token"))).toBeNull();
    await page.goto(agendaUrl("/agenda"));
    await page.waitForURL(/\/sign-in\?next=/);
    await saveScreenshot(page, "signed-out");
    await page.close();
  });
});
