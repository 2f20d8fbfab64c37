import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, apiGet, apiToken, DEMO, openAgendaAt, signIn } from "./support/agenda";
import { seriousAccessibilityViolations } from "./support/axe";
import { launchChromium, saveScreenshot } from "./support/browser";
import { tabTo } from "./support/keyboard";
import {
  addOutlookCalendar,
  deleteOutlookEvent,
  editOutlookEvent,
  outlookEventBody,
  outlookEvents,
  seedOutlookEvents,
} from "./support/sandbox";
import { jobState, seedFailedImportJob } from "./support/sync-jobs";

const HOUR_MS = 3_600_000;
const FORMATION = "RGPD : les fondamentaux";
const MEETING = "Point d'équipe (Outlook)";
const MOVED_MEETING = "Point d'équipe déplacé (Outlook)";
const MILESTONE = "Jalon du projet (Outlook)";

async function openSettings(page: Page): Promise<void> {
  await page.goto(agendaUrl("/agenda/settings"));
  await page.getByTestId("outlook-status").waitFor();
}

/** When the formation starts, as the REST API tells its learner. */
async function formationStart(): Promise<Date> {
  const now = Date.now();
  const range = `from=${new Date(now).toISOString()}&to=${new Date(now + 30 * 86_400_000).toISOString()}`;
  const { events } = await apiGet<{ events: Array<{ title: string; startsAt: string }> }>(
    await apiToken(DEMO.learner),
    `/api/calendar/events?${range}`,
  );
  const formation = events.find(({ title }) => title === FORMATION);
  if (!formation) throw new Error(`${FORMATION} is not in the learner's agenda`);
  return new Date(formation.startsAt);
}

/** The titles of the learner's agenda events from now to 30 days ahead, as the REST API gives them. */
async function agendaTitles(): Promise<string[]> {
  const now = Date.now();
  const range = `from=${new Date(now).toISOString()}&to=${new Date(now + 30 * 86_400_000).toISOString()}`;
  const { events } = await apiGet<{ events: Array<{ title: string }> }>(
    await apiToken(DEMO.learner),
    `/api/calendar/events?${range}`,
  );
  return events.map(({ title }) => title);
}

const formationRow = (page: Page) =>
  page
    .getByRole("region", { name: "Mes formations dans Outlook" })
    .getByRole("row", { name: new RegExp(`^${FORMATION}`) });

describe("syncing with Outlook from the web agenda", () => {
  let browser: Browser;
  let page: Page;
  // Within the hour to come, so the agenda's month and the home's next events both hold it.
  const meetingStart = new Date(Math.ceil((Date.now() + HOUR_MS) / HOUR_MS) * HOUR_MS);
  let meetingId = "";

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // The owner puts a meeting in their Outlook before connecting it.
    const [meeting] = await seedOutlookEvents(DEMO.learner, [
      outlookEventBody(MEETING, meetingStart, 30, "Salle Curie"),
    ]);
    if (!meeting) throw new Error("the sandbox seeded no event");
    meetingId = meeting.id;
    await signIn(page, DEMO.learner);
  });
  afterAll(() => browser.close());

  it("connects Outlook through the sandbox's pages, imports on demand and shows the imported events in the agenda", async () => {
    await openSettings(page);
    await page.getByRole("button", { name: "Se connecter à Outlook" }).click();
    await page.waitForURL(/oauth2\/v2\.0\/authorize/);
    await page.locator("#login").fill(DEMO.learner);
    await page.getByRole("button", { name: "Accept" }).click();
    await page.getByText(`Outlook est connecté au compte ${DEMO.learner}.`).waitFor();
    await page.getByRole("link", { name: "Retour aux paramètres calendrier" }).click();
    await page.getByTestId("outlook-status").filter({ hasText: "Connecté" }).waitFor();

    await page.getByRole("button", { name: "Importer les événements" }).click();
    const result = page.getByText(/^Importation terminée : \d+ créés, \d+ mis à jour, \d+ supprimés\.$/);
    await result.waitFor();
    await saveScreenshot(page, "sync-import-result");
    // The click joins the import queued at connection when that one has not started yet: its run says what queued it.
    const runs = page.getByRole("region", { name: "Synchronisations récentes" });
    await runs
      .getByRole("row", { name: /Import\s+.+\s+Réussie/ })
      .first()
      .waitFor();

    await openAgendaAt(page, meetingStart);
    const meeting = page.locator(".fc-event.event-source-outlook", { hasText: MEETING });
    await meeting.waitFor();
    await meeting.click();
    const dialog = page.getByRole("dialog", { name: MEETING });
    expect(await dialog.textContent()).toContain("Salle Curie");
    expect(await dialog.textContent()).toContain("Synchronisé avec Outlook");
    await saveScreenshot(page, "sync-imported-event");
    await page.keyboard.press("Escape");
  });

  it("shows the next events and the Outlook connection on the learner's home", async () => {
    await page.goto(agendaUrl("/"));
    const widget = page.getByRole("region", { name: "Mes prochains événements" });
    await widget.getByText(MEETING).waitFor();
    expect(await widget.getByRole("listitem").count()).toBeLessThanOrEqual(5);
    // The demo's Outlook week may hold an event under way before it.
    expect(await widget.getByRole("listitem").filter({ hasText: MEETING }).textContent()).toContain(
      `Événement Outlook – ${MEETING}`,
    );
    await page
      .getByTestId("widget-outlook-state")
      .filter({ hasText: /^(Connecté|Synchronisation en cours…)$/ })
      .waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "home-calendar-widget");
    await widget.getByRole("link", { name: "Paramètres calendrier" }).click();
    await page.waitForURL(agendaUrl("/agenda/settings"));
  });

  it("exports a formation from the settings and finds it in the Outlook mailbox", async () => {
    await openSettings(page);
    const row = formationRow(page);
    await row.waitFor();
    // Automatic export may have sent it already, right after the connection.
    const exportButton = row.getByRole("button", { name: `Exporter vers Outlook : ${FORMATION}` });
    if ((await exportButton.count()) > 0) {
      await exportButton.click();
      await page.getByText(`« ${FORMATION} » est dans Outlook.`).waitFor();
      expect(await page.getByRole("link", { name: "Ouvrir dans Outlook", exact: true }).getAttribute("href")).toMatch(
        /^https:\/\/127\.0\.0\.1:\d+\/admin\/item\?itemid=/,
      );
    }
    await row.getByText("Dans Outlook", { exact: true }).waitFor();
    expect((await outlookEvents(DEMO.learner)).map(({ subject }) => subject)).toContain(FORMATION);
    await saveScreenshot(page, "sync-formation-exported");
  });

  it("respects a formation deleted in Outlook, shows the conflict until it is seen, and adds the formation again on demand", async () => {
    const copy = (await outlookEvents(DEMO.learner)).find(({ subject }) => subject === FORMATION);
    if (!copy) throw new Error(`${FORMATION} is not in the mailbox`);
    await deleteOutlookEvent(DEMO.learner, copy.id);

    await openSettings(page);
    // Keyboard only: to the import button, Enter.
    await page.locator("#main").focus();
    await tabTo(page, "Importer les événements", 60);
    await page.keyboard.press("Enter");
    await page.getByText(/^Importation terminée/).waitFor();
    const row = formationRow(page);
    await row.getByText(/^(Supprimée par vous dans Outlook|Conflit à examiner)$/).waitFor();

    const conflicts = page.getByRole("region", { name: "Conflits à examiner" });
    const conflict = conflicts.getByRole("article", { name: FORMATION });
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("Cette formation a été supprimée dans Outlook");
    expect(await conflict.getByRole("table").textContent()).toContain("Supprimé");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "sync-conflicts");

    // The formation's details in the agenda show the conflict too.
    await openAgendaAt(page, await formationStart());
    await page.locator(".fc-event.event-source-formation", { hasText: FORMATION }).click();
    const details = page.getByRole("dialog", { name: FORMATION });
    const eventConflict = details.getByRole("region", { name: "Conflit de synchronisation" });
    expect(await eventConflict.textContent()).toContain("Cette formation a été supprimée dans Outlook");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "sync-event-conflict");
    await page.keyboard.press("Escape");
    await openSettings(page);

    await tabTo(page, `Marquer comme vu : ${FORMATION}`, 80);
    await page.keyboard.press("Enter");
    await page.getByText("Conflit marqué comme vu.").waitFor();
    await conflict.waitFor({ state: "detached" });

    await page.locator("#main").focus();
    await tabTo(page, `Ajouter à nouveau : ${FORMATION}`, 80);
    await page.keyboard.press("Enter");
    await page.getByText(`« ${FORMATION} » est dans Outlook.`).waitFor();
    expect((await outlookEvents(DEMO.learner)).filter(({ subject }) => subject === FORMATION)).toHaveLength(1);
    await row.getByText("Dans Outlook", { exact: true }).waitFor();
    await saveScreenshot(page, "sync-formation-added-again");
  });

  it("updates the agenda, without a reload, when the event changes in Outlook", async () => {
    await openAgendaAt(page, meetingStart);
    await page.locator(".fc-event", { hasText: MEETING }).waitFor();
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    await editOutlookEvent(DEMO.learner, meetingId, { subject: MOVED_MEETING });
    // Outlook notifies the server, which imports the change and tells the page, which reads its events again.
    await page.locator(".fc-event.event-source-outlook", { hasText: MOVED_MEETING }).waitFor({ timeout: 45_000 });
    expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(
      true,
    );
    await saveScreenshot(page, "sync-live-update");
  });

  it("lists a failed sync job for administrators, who retry it", async () => {
    const jobId = await seedFailedImportJob(DEMO.learner, "Graph answered 503 five times");
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(admin, DEMO.admin);
    await admin.goto(agendaUrl("/admin/calendar-settings"));
    // Camille's profile is in English.
    const section = admin.getByRole("region", { name: "Failed sync jobs" });
    const row = section.getByRole("row", { name: /Léa Martin/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("Graph answered 503 five times");
    expect(await row.textContent()).toContain("Import");
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    await saveScreenshot(admin, "admin-failed-jobs");

    await row.getByRole("button", { name: /^Retry/ }).click();
    await section.getByText("Job retried: it is back in the sync queue.").waitFor();
    await row.waitFor({ state: "detached" });
    await expect.poll(() => jobState(jobId), { timeout: 30_000, interval: 500 }).toBe("completed");
    await saveScreenshot(admin, "admin-failed-job-retried");
    await admin.close();
  });

  it("shows the API's errors in the interface's language", async () => {
    await page.getByLabel("Langue").selectOption("en");
    await page.goto(agendaUrl("/calendar/callback/outlook?state=unknown&code=abc"));
    // Léa's profile is in French: the message follows the interface.
    await page
      .getByText("Unknown Outlook sign-in link: start 'Connect Outlook' again from the calendar settings.")
      .waitFor();
    await saveScreenshot(page, "callback-error-english");
    await page.getByLabel("Language").selectOption("fr");
  });

  it("takes a calendar's events out of the agenda when the learner unticks it, after a confirmation", async () => {
    const projects = await addOutlookCalendar(DEMO.learner, "Projets");
    const milestoneStart = new Date(meetingStart.getTime() + 2 * HOUR_MS);
    await seedOutlookEvents(DEMO.learner, [outlookEventBody(MILESTONE, milestoneStart, 60)], projects);
    await openSettings(page);
    const calendars = page.getByRole("group", { name: "Calendriers Outlook à importer" });
    await calendars.getByRole("checkbox", { name: /\(par défaut\)$/ }).click();
    await page.getByText("Paramètres enregistrés.").waitFor();
    await calendars.getByRole("checkbox", { name: "Projets", exact: true }).click();
    await page.getByText("Paramètres enregistrés.").waitFor();
    expect(await calendars.getByRole("checkbox", { name: "Projets", exact: true }).isChecked()).toBe(true);

    // The import the change queued brings the calendar's events in.
    await openAgendaAt(page, milestoneStart);
    const milestone = page.locator(".fc-event.event-source-outlook", { hasText: MILESTONE });
    await milestone.waitFor({ timeout: 30_000 });

    await openSettings(page);
    await calendars.getByRole("checkbox", { name: "Projets", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Retirer des événements de l'agenda ?" });
    await dialog.getByText(/^1 événement importé d'Outlook quittera votre agenda\./).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "settings-untick-calendar-confirmation");
    await dialog.getByRole("button", { name: "Retirer 1 événement" }).click();
    await expect
      .poll(async () => (await agendaTitles()).includes(MILESTONE), { timeout: 10_000, interval: 200 })
      .toBe(false);
    expect(await calendars.getByRole("checkbox", { name: "Projets", exact: true }).isChecked()).toBe(false);
    // Outlook keeps it; the agenda no longer shows it.
    expect((await outlookEvents(DEMO.learner)).map(({ subject }) => subject)).toContain(MILESTONE);
    await openAgendaAt(page, milestoneStart);
    await page.locator(".fc-event").first().waitFor();
    expect(await milestone.count()).toBe(0);
  });

  it("disconnects, removing the exported formations from Outlook", async () => {
    await openSettings(page);
    await page.getByRole("button", { name: "Déconnecter", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Déconnecter Outlook ?" });
    await dialog
      .getByRole("checkbox", { name: "Supprimer aussi d'Outlook les formations que l'agenda y a exportées" })
      .check();
    await dialog.getByRole("button", { name: "Déconnecter Outlook" }).click();
    await page.getByText("Outlook est déconnecté.").waitFor();
    expect((await outlookEvents(DEMO.learner)).map(({ subject }) => subject)).not.toContain(FORMATION);
    expect(await page.getByRole("region", { name: "Mes formations dans Outlook" }).count()).toBe(0);

    await page.goto(agendaUrl("/"));
    await page.getByTestId("widget-outlook-state").filter({ hasText: "Non connecté" }).waitFor();
    expect(await page.getByRole("region", { name: "Mes prochains événements" }).textContent()).not.toContain(
      MOVED_MEETING,
    );
    await saveScreenshot(page, "sync-disconnected");
  });
});
