import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, apiToken, DEMO, disconnectOutlook, outlookConnected, signIn } from "./support/agenda";
import { seriousAccessibilityViolations } from "./support/axe";
import { launchChromium, saveScreenshot } from "./support/browser";

/** Thomas connects his Outlook through the sandbox's pages, as a person does from the settings: his page, back there. */
async function connectTrainerOutlook(browser: Browser): Promise<Page> {
  const trainer = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await signIn(trainer, DEMO.trainer);
  await trainer.goto(agendaUrl("/agenda/settings"));
  await trainer.getByRole("button", { name: /Se (re)?connecter à Outlook/ }).click();
  await trainer.waitForURL(/oauth2\/v2\.0\/authorize/);
  await trainer.locator("#login").fill(DEMO.trainer);
  await trainer.getByRole("button", { name: "Accept" }).click();
  await trainer.getByText(`Outlook est connecté au compte ${DEMO.trainer}.`).waitFor();
  await trainer.getByRole("link", { name: "Retour aux paramètres calendrier" }).click();
  await trainer.waitForURL(agendaUrl("/agenda/settings"));
  return trainer;
}

describe("administration: the audit log and service tokens", () => {
  let browser: Browser;
  let admin: Page;
  let trainerToken: string;
  let trainerWasConnected: boolean;

  beforeAll(async () => {
    browser = await launchChromium();
    trainerToken = await apiToken(DEMO.trainer);
    // Another file may have connected Thomas's Outlook: he connects it again here, and is left as he was found.
    trainerWasConnected = await outlookConnected(trainerToken);
    if (trainerWasConnected) await disconnectOutlook(trainerToken);
    admin = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    await signIn(admin, DEMO.admin);
  });
  afterAll(async () => {
    if (!trainerWasConnected && (await outlookConnected(trainerToken))) await disconnectOutlook(trainerToken);
    if (trainerWasConnected && !(await outlookConnected(trainerToken)))
      await (await connectTrainerOutlook(browser)).close();
    await browser.close();
  });

  it("shows an admin, filtered by person, that person's Outlook connection and settings change, and exports them", async () => {
    const trainer = await connectTrainerOutlook(browser);
    // Switched off and back on: two settings changes, and Thomas keeps his settings.
    const autoSync = trainer.getByRole("switch", { name: "Synchroniser automatiquement" });
    for (let change = 0; change < 2; change++) {
      await Promise.all([
        trainer.waitForResponse(
          (response) => response.url().includes("integrations.outlook.updateSettings") && response.ok(),
        ),
        autoSync.click(),
      ]);
      await trainer.getByText("Paramètres enregistrés.").waitFor();
    }
    await trainer.close();

    await admin.goto(agendaUrl("/admin/audit-log"));
    await admin.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await admin.getByLabel("Person (email)").fill(DEMO.trainer);
    await admin.getByRole("button", { name: "Filter", exact: true }).click();
    await admin.waitForURL(/person=thomas/);
    const table = admin.getByRole("region", { name: "Audit log" });
    const connected = table.getByRole("row", { name: /Outlook (re)?connected/ }).first();
    await connected.waitFor();
    const changed = table.getByRole("row", { name: /Sync settings changed/ }).first();
    await changed.waitFor();
    expect(await changed.textContent()).toContain(DEMO.trainer);
    expect(await changed.textContent()).toMatch(/autoSyncEnabled: (true|false)/);
    // Only Thomas's entries: each row names him, as the one it is about or the one who acted.
    const rows = await table.getByRole("row").allTextContents();
    expect(rows.slice(1).every((row) => row.includes(DEMO.trainer))).toBe(true);
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    await saveScreenshot(admin, "admin-audit-log-by-person");

    const [download] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("button", { name: "Export as CSV" }).click(),
    ]);
    const csv = await readFile((await download.path()) ?? "", "utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "\uFEFFoccurredAt,action,outcome,actorKind,actor,userId,user,subjectType,subjectId,subject,integrationId,requestId,detail",
    );
    expect(csv).toContain("outlook.settings_changed");
    expect(csv).toMatch(/outlook\.(re)?connect,success,user,thomas\.bernard@formation\.demo/);
  });

  it("creates a service token that works at once, and revokes it so that it is refused at once", async () => {
    await admin.goto(agendaUrl("/admin/service-tokens"));
    await admin.getByRole("heading", { level: 1, name: "Service tokens" }).waitFor();
    await admin.getByLabel("App name").fill("e2e-catalogue");
    await admin.getByRole("checkbox", { name: /formations:read/ }).check();
    await admin.getByRole("button", { name: "Create the token" }).click();
    const shown = admin.getByLabel("Token", { exact: true });
    await shown.waitFor();
    const token = await shown.inputValue();
    expect(token).toMatch(/^agd_svc_/);
    await saveScreenshot(admin, "admin-service-token-created");

    const me = await fetch(agendaUrl("/api/me"), { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ kind: "service", name: "e2e-catalogue", scopes: ["formations:read"] });
    const row = admin.getByRole("region", { name: "Existing tokens" }).getByRole("row", { name: /e2e-catalogue/ });
    expect(await row.textContent()).toContain("Active");

    await row.getByRole("button", { name: /Revoke/ }).click();
    const dialog = admin.getByRole("dialog", { name: "Revoke the token “e2e-catalogue”?" });
    await dialog.getByRole("button", { name: "Revoke the token" }).click();
    await dialog.waitFor({ state: "hidden" });
    await admin.getByText("Token “e2e-catalogue” revoked: it is refused from now on.").waitFor();
    await row.getByText("Revoked", { exact: true }).waitFor();
    const refused = await fetch(agendaUrl("/api/me"), { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    await saveScreenshot(admin, "admin-service-token-revoked");

    await admin.goto(agendaUrl("/admin/audit-log?action=service_token."));
    const entries = admin.getByRole("region", { name: "Audit log" });
    await entries
      .getByRole("row", { name: /Service token revoked/ })
      .first()
      .waitFor();
    const created = entries.getByRole("row", { name: /Service token created/ }).first();
    expect(await created.textContent()).toContain("e2e-catalogue");
    expect(await created.textContent()).toContain(DEMO.admin);
  });

  it("resyncs a user's integration from the integrations page and shows its run, in full too", async () => {
    if (!(await outlookConnected(trainerToken))) await (await connectTrainerOutlook(browser)).close();
    await admin.goto(agendaUrl("/admin/calendar-settings"));
    await admin.getByRole("heading", { level: 1, name: "Calendar integrations" }).waitFor();
    await admin.getByRole("button", { name: "Details and actions for Thomas Bernard" }).click();
    const panel = admin.getByRole("region", { name: `Thomas Bernard — ${DEMO.trainer}` });
    await panel.waitFor();
    const runs = panel.getByRole("region", { name: "Latest syncs" });
    const manualImports = runs.getByRole("row", { name: /Import\s+Manual\s+Succeeded/ });
    const before = await manualImports.count();

    await panel.getByRole("button", { name: "Resync now" }).click();
    await panel.getByText("Resync asked for: it will show below.").waitFor();
    // Its run shows once a worker has taken the job (the runs are read again every 2 s).
    await expect.poll(() => manualImports.count(), { timeout: 20_000, interval: 500 }).toBeGreaterThan(before);
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    await saveScreenshot(admin, "admin-integration-resynced");

    await panel.getByRole("button", { name: "Full resync" }).click();
    await panel.getByText("Full resync asked for: every calendar will be read again.").waitFor();
    await admin.getByLabel("Only those needing attention").check();
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);

    await admin.goto(agendaUrl("/admin/audit-log?action=admin."));
    const entries = admin.getByRole("region", { name: "Audit log" });
    const resynced = entries.getByRole("row", { name: /Outlook sync started by an administrator/ }).first();
    await resynced.waitFor();
    expect(await resynced.textContent()).toContain(DEMO.admin);
  });

  it("chooses from the keyboard what cancelled formations become in Outlook, audited, and puts the default back", async () => {
    await admin.goto(agendaUrl("/admin/calendar-settings"));
    const section = admin.getByRole("region", { name: "Cancelled formations in Outlook" });
    const keep = section.getByRole("radio", { name: "Kept and marked cancelled" });
    const remove = section.getByRole("radio", { name: "Deleted" });
    await keep.waitFor();
    expect(await keep.isChecked()).toBe(true);
    await keep.focus();
    await Promise.all([
      admin.waitForResponse((response) => response.url().includes("platformSettings.update") && response.ok()),
      admin.keyboard.press("ArrowDown"),
    ]);
    await section.getByText("Saved: participants' Outlook calendars are being updated.").waitFor();
    expect(await remove.isChecked()).toBe(true);
    await admin.setViewportSize({ width: 390, height: 900 });
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    await saveScreenshot(admin, "admin-cancelled-formations-deleted");
    await admin.setViewportSize({ width: 1400, height: 1000 });

    await admin.reload();
    await remove.waitFor();
    expect(await remove.isChecked()).toBe(true);
    await Promise.all([
      admin.waitForResponse((response) => response.url().includes("platformSettings.update") && response.ok()),
      keep.check(),
    ]);

    await admin.goto(agendaUrl("/admin/audit-log?action=admin."));
    const entries = admin.getByRole("region", { name: "Audit log" });
    const changed = entries.getByRole("row", { name: /Platform settings changed/ }).first();
    await changed.waitFor();
    expect(await changed.textContent()).toContain(DEMO.admin);
  });

  it("disconnects a user's Outlook for them with a reason, which the user reads in their settings", async () => {
    if (!(await outlookConnected(trainerToken))) await (await connectTrainerOutlook(browser)).close();
    await admin.goto(agendaUrl("/admin/calendar-settings"));
    await admin.getByRole("button", { name: "Details and actions for Thomas Bernard" }).click();
    const panel = admin.getByRole("region", { name: `Thomas Bernard — ${DEMO.trainer}` });
    await panel.getByRole("button", { name: "Disconnect for the user…" }).click();
    const dialog = admin.getByRole("dialog", { name: "Disconnect Thomas Bernard's Outlook" });
    await dialog.getByLabel("Reason (shown to the user)").fill("Compte Outlook partagé avec l'équipe");
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    await dialog.getByRole("button", { name: "Disconnect", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await outlookConnected(trainerToken)).toBe(false);

    const trainer = await browser.newPage({ viewport: { width: 390, height: 900 } });
    await signIn(trainer, DEMO.trainer);
    await trainer.goto(agendaUrl("/agenda/settings"));
    await trainer
      .getByText("Votre administrateur a déconnecté Outlook : Compte Outlook partagé avec l'équipe")
      .waitFor();
    expect(await seriousAccessibilityViolations(trainer)).toEqual([]);
    await saveScreenshot(trainer, "settings-disconnected-by-admin");
    await trainer.close();
  });
});
