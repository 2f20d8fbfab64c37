import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, apiToken, DEMO, signIn } from "./support/agenda";
import { launchChromium, saveScreenshot } from "./support/browser";
import { outlookEvents } from "./support/sandbox";

const FORMATION = "Accueil des nouveaux arrivants";
const SEEDED_MEETING = "Revue du catalogue de formations";

/** A formation the admin takes part in, planned through the API as the platform would. */
async function enrolTheAdmin(): Promise<void> {
  const start = new Date(Date.now() + 3 * 86_400_000);
  const response = await fetch(agendaUrl("/trpc/formations.upsert"), {
    method: "POST",
    headers: { authorization: `Bearer ${await apiToken(DEMO.admin)}`, "content-type": "application/json" },
    body: JSON.stringify({
      title: FORMATION,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      timeZone: "Europe/Paris",
      learners: [{ platformUserId: "demo-admin", email: DEMO.admin, name: "Camille Dubois" }],
    }),
  });
  if (!response.ok) throw new Error(`formations.upsert: ${response.status} ${await response.text()}`);
}

describe("a newcomer's first connection", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    await enrolTheAdmin();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, DEMO.admin);
  });
  afterAll(() => browser.close());

  it("sends their formations to Outlook as soon as Outlook is connected, with no export to click", async () => {
    await page.goto(agendaUrl("/agenda/settings"));
    await page.getByRole("button", { name: "Connect Outlook" }).click();
    await page.waitForURL(/oauth2\/v2\.0\/authorize/);
    await page.locator("#login").fill(DEMO.admin);
    await page.getByRole("button", { name: "Accept" }).click();
    await page.getByText(`Outlook is connected to the account ${DEMO.admin}.`).waitFor();
    await page.getByRole("link", { name: "Back to the calendar settings" }).click();
    await page.waitForURL(agendaUrl("/agenda/settings"));

    const row = page
      .getByRole("region", { name: "My formations in Outlook" })
      .getByRole("row", { name: new RegExp(`^${FORMATION}`) });
    await row.getByText("In Outlook", { exact: true }).waitFor({ timeout: 20_000 });
    await saveScreenshot(page, "newcomer-formation-in-outlook");
    expect((await outlookEvents(DEMO.admin)).map(({ subject }) => subject)).toContain(FORMATION);
  });

  it("shows the week already in their Outlook in the agenda, imported on connecting", async () => {
    // The demo mailbox starts with a working week (its Monday meeting is a weekly series).
    const seeded = (await outlookEvents(DEMO.admin)).find(({ subject }) => subject === SEEDED_MEETING);
    if (!seeded) throw new Error(`the demo mailbox holds no ${SEEDED_MEETING}`);
    await page.goto(agendaUrl("/agenda"));
    await page.locator(".fc-daygrid-day").first().waitFor();
    const monthOf = (date: Date) =>
      new Intl.DateTimeFormat("en", { timeZone: "Europe/Paris", month: "numeric", year: "numeric" }).format(date);
    if (monthOf(new Date(`${seeded.start.dateTime}Z`)) !== monthOf(new Date()))
      await page.getByRole("button", { name: /^Next/ }).first().click();
    await page
      .locator(".fc-event.event-source-outlook", { hasText: SEEDED_MEETING })
      .first()
      .waitFor({ timeout: 20_000 });
    await saveScreenshot(page, "newcomer-outlook-week");
  });
});
