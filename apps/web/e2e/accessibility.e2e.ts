import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, DEMO, signIn } from "./support/agenda";
import { seriousAccessibilityViolations } from "./support/axe";
import { launchChromium, saveScreenshot } from "./support/browser";
import { focusedName, tabTo } from "./support/keyboard";

describe("accessibility", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser.close());

  it("finds no serious or critical axe violation on any page", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const scan = async (name: string) => {
      const violations = await seriousAccessibilityViolations(page);
      expect({ page: name, violations }).toEqual({ page: name, violations: [] });
    };

    await page.goto(agendaUrl("/sign-in"));
    await page.getByRole("heading", { level: 1 }).waitFor();
    await scan("sign-in");

    await signIn(page, DEMO.trainer);
    await page.locator(".fc-event").first().waitFor();
    await scan("agenda, month");
    for (const view of ["Semaine", "Jour", "Planning"]) {
      await page.getByRole("button", { name: view, exact: true }).click();
      await scan(`agenda, ${view}`);
    }
    await page.getByRole("button", { name: "Mois", exact: true }).click();
    await page.locator(".fc-event").first().click();
    await page.getByRole("dialog").waitFor();
    await scan("event details");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Nouvel événement" }).click();
    await page.getByRole("dialog").waitFor();
    await scan("event form");
    await page.keyboard.press("Escape");

    await page.goto(agendaUrl("/"));
    await page.getByTestId("widget-outlook-state").waitFor();
    await scan("home");
    await page.goto(agendaUrl("/agenda/settings"));
    await page.getByTestId("outlook-status").waitFor();
    await scan("calendar settings");
    await page.goto(agendaUrl("/calendar/callback/outlook?state=unknown&error=access_denied"));
    await page.getByRole("alert").waitFor();
    await scan("OAuth callback, failed");
    await page.goto(agendaUrl("/admin/calendar-settings"));
    await page.getByRole("alert").waitFor();
    await scan("admin, refused");
    await page.goto(agendaUrl("/nowhere"));
    await page.getByRole("heading", { level: 1 }).waitFor();
    await scan("not found");
    await saveScreenshot(page, "not-found");
    await page.close();
  });

  it("works with the keyboard alone: settings, Outlook's sign-in, and back", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, DEMO.trainer);
    await page.goto(agendaUrl("/agenda/settings"));
    await page.getByTestId("outlook-status").waitFor();

    // The banner in reading order, then the page's first control.
    expect(await tabTo(page, "Se connecter à Outlook")).toEqual([
      "Aller au contenu",
      "Accueil",
      "Mon agenda",
      "Paramètres calendrier",
      "Planification",
      "Se déconnecter",
      "Langue",
      "Se connecter à Outlook",
    ]);
    // The skip link takes the focus past the banner, straight to the content.
    await page.reload();
    await page.getByTestId("outlook-status").waitFor();
    await tabTo(page, "Aller au contenu", 1);
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    expect(await tabTo(page, "Se connecter à Outlook", 1)).toEqual(["Se connecter à Outlook"]);
    await saveScreenshot(page, "keyboard-settings");

    // Microsoft's page, by keyboard too: type the account, Enter submits with its first button, Accept.
    await page.keyboard.press("Enter");
    await page.waitForURL(/oauth2\/v2\.0\/authorize/);
    await tabTo(page, "Or type a username");
    await page.keyboard.type(DEMO.trainer);
    await page.keyboard.press("Enter");
    await page.waitForURL(agendaUrl("/calendar/callback/outlook?*"));
    await page.getByText(`Outlook est connecté au compte ${DEMO.trainer}.`).waitFor();
    await tabTo(page, "Retour aux paramètres calendrier");
    await page.keyboard.press("Enter");
    await page.getByTestId("outlook-status").filter({ hasText: "Connecté" }).waitFor();

    // A switch toggles with Space; the disconnect dialog opens with Enter, and Escape gives the focus back.
    await tabTo(page, "Exporter mes formations vers Outlook");
    const exportSwitch = page.getByRole("switch", { name: "Exporter mes formations vers Outlook" });
    const before = await exportSwitch.isChecked();
    await page.keyboard.press("Space");
    if (before) {
      // Turning export off asks what becomes of the copies already in Outlook: kept, chosen from the keyboard.
      const dialog = page.getByRole("dialog", { name: "Arrêter l'export des formations ?" });
      await dialog.getByRole("button", { name: "Les garder dans Outlook" }).focus();
      await page.keyboard.press("Enter");
    }
    await page.getByText("Paramètres enregistrés.").waitFor();
    expect(await exportSwitch.isChecked()).toBe(!before);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    expect(await focusedName(page)).toBe("Déconnecter");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Déconnecter Outlook ?" }).waitFor();
    await saveScreenshot(page, "keyboard-disconnect-dialog");
    await page.keyboard.press("Escape");
    expect(await focusedName(page)).toBe("Déconnecter");
    await page.close();
  });

  it("opens an agenda event from the keyboard", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, DEMO.trainer);
    await page.locator(".fc-event").first().waitFor();
    const title = (await page.locator(".fc-event .event-title").first().textContent()) ?? "";
    await tabTo(page, new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), 60);
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: title }).waitFor();
    await saveScreenshot(page, "keyboard-event-details");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await page.close();
  });
});
