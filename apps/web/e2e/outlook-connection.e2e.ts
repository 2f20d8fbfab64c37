import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, DEMO, signIn } from "./support/agenda";
import { seriousAccessibilityViolations } from "./support/axe";
import { launchChromium, saveScreenshot } from "./support/browser";

/** "Se connecter à Outlook" up to the Microsoft sandbox's sign-in and consent page. */
async function startConnecting(page: Page): Promise<void> {
  await page.goto(agendaUrl("/agenda/settings"));
  await page.getByRole("button", { name: /Se (re)?connecter à Outlook/ }).click();
  await page.waitForURL(/^https:\/\/127\.0\.0\.1:\d+\/.*\/oauth2\/v2\.0\/authorize/);
}

describe("connecting Outlook from the calendar settings", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, DEMO.learner);
  });
  afterAll(() => browser.close());

  it("shows Outlook as not connected at first", async () => {
    await page.goto(agendaUrl("/agenda/settings"));
    await page.getByRole("heading", { level: 1, name: "Paramètres calendrier" }).waitFor();
    expect(await page.getByTestId("outlook-status").textContent()).toBe("Non connecté");
    await saveScreenshot(page, "settings-not-connected");
  });

  it("says what happened when the person cancels on Microsoft's page", async () => {
    await startConnecting(page);
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL(agendaUrl("/calendar/callback/outlook?*"));
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      "Vous avez refusé l'accès à votre calendrier Outlook : rien n'a été connecté.",
    );
    await saveScreenshot(page, "callback-consent-denied");
  });

  it("connects through the sandbox's sign-in and consent page and lands back on the callback page", async () => {
    await startConnecting(page);
    await page.locator("#login").fill(DEMO.learner);
    await saveScreenshot(page, "sandbox-sign-in");
    await page.getByRole("button", { name: "Accept" }).click();
    await page.waitForURL(agendaUrl("/calendar/callback/outlook?*"));
    await page.getByText(`Outlook est connecté au compte ${DEMO.learner}.`).waitFor();
    await saveScreenshot(page, "callback-connected");

    await page.getByRole("link", { name: "Retour aux paramètres calendrier" }).click();
    await page.waitForURL(agendaUrl("/agenda/settings"));
    await page.getByTestId("outlook-status").filter({ hasText: "Connecté" }).waitFor();
    expect(await page.locator(".outlook-status").textContent()).toContain(DEMO.learner);
    await page
      .getByRole("checkbox", { name: /Calendar/ })
      .first()
      .waitFor();
    await saveScreenshot(page, "settings-connected");
  });

  it("saves the sync switches and the calendars", async () => {
    // Whatever another file left them at, each control is turned the other way and found so after a reload.
    const saved = async (change: () => Promise<void>) => {
      const saving = page.waitForResponse(
        (response) => response.url().includes("integrations.outlook.updateSettings") && response.ok(),
      );
      await change();
      // What takes imported events out of the agenda asks first, when there are some.
      const remove = page
        .getByRole("dialog", { name: "Retirer des événements de l'agenda ?" })
        .getByRole("button", { name: /^Retirer/ });
      await Promise.race([
        saving,
        remove.waitFor({ timeout: 10_000 }).then(
          () => remove.click(),
          () => undefined,
        ),
      ]);
      await saving;
    };
    const importSwitch = page.getByRole("switch", { name: "Importer mes événements Outlook dans l'agenda" });
    const importWasOn = await importSwitch.isChecked();
    await saved(() => importSwitch.click());
    await page.getByText("Paramètres enregistrés.").waitFor();
    expect(await importSwitch.isChecked()).toBe(!importWasOn);

    // The box follows the saved settings: it changes once the change is applied, a moment after the click.
    const calendar = page.getByRole("checkbox", { name: /Calendar/ }).first();
    const calendarWasTicked = await calendar.isChecked();
    await saved(() => calendar.click());
    await expect.poll(() => calendar.isChecked()).toBe(!calendarWasTicked);
    await page.reload();
    expect(
      await page
        .getByRole("checkbox", { name: /Calendar/ })
        .first()
        .isChecked(),
    ).toBe(!calendarWasTicked);
    expect(await page.getByRole("switch", { name: "Importer mes événements Outlook dans l'agenda" }).isChecked()).toBe(
      !importWasOn,
    );
    await saveScreenshot(page, "settings-saved");
  });

  it("has no serious accessibility violation once connected", async () => {
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "settings-connected-axe");
  });

  it("lists the connection for administrators, and only for them", async () => {
    const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(admin, DEMO.admin);
    await admin.goto(agendaUrl("/admin/calendar-settings"));
    // Camille's profile is in English.
    await admin.getByRole("heading", { level: 1, name: "Calendar integrations" }).waitFor();
    // The integrations table (the failed jobs table may name Léa too).
    const row = admin.getByRole("region", { name: "Calendar integrations" }).getByRole("row", { name: /Léa Martin/ });
    await row.waitFor();
    expect(await row.textContent()).toContain("Connected");
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    await saveScreenshot(admin, "admin-integrations");
    await admin.close();

    await page.goto(agendaUrl("/admin/calendar-settings"));
    expect(await page.getByRole("alert").textContent()).toBe("Cette page est réservée aux administrateurs.");
    expect(await page.getByRole("link", { name: "Administration" }).count()).toBe(0);
  });

  it("disconnects after confirmation, with the choice to remove the exported formations", async () => {
    await page.goto(agendaUrl("/agenda/settings"));
    await page.getByRole("button", { name: "Déconnecter", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Déconnecter Outlook ?" });
    await dialog
      .getByRole("checkbox", { name: "Supprimer aussi d'Outlook les formations que l'agenda y a exportées" })
      .check();
    await saveScreenshot(page, "settings-disconnect-dialog");
    await dialog.getByRole("button", { name: "Déconnecter Outlook" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByText("Outlook est déconnecté.").waitFor();
    expect(await page.getByTestId("outlook-status").textContent()).toBe("Non connecté");
    await saveScreenshot(page, "settings-disconnected");
  });

  it("explains a callback that lacks Microsoft's state", async () => {
    await page.goto(agendaUrl("/calendar/callback/outlook?code=abc"));
    expect(await page.getByRole("alert").textContent()).toContain("relancez « Se connecter à Outlook »");
    await saveScreenshot(page, "callback-missing-state");
  });
});
