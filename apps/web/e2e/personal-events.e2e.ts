import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, apiGet, apiToken, DEMO, signIn } from "./support/agenda";
import { launchChromium, saveScreenshot } from "./support/browser";

interface StoredEvent {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  version: number;
}

const ZONE = "Europe/Paris";

/** Drags with real mouse moves, in steps, as FullCalendar needs to notice a drag. */
async function drag(page: Page, from: Locator, to: { x: number; y: number }): Promise<void> {
  const box = await from.boundingBox();
  if (!box) throw new Error("nothing to drag");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 5, box.y + box.height / 2 + 5, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

async function centreOf(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("not on screen");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function storedEvent(token: string, title: string, around: DateTime): Promise<StoredEvent | undefined> {
  const from = around.minus({ days: 10 }).toUTC().toISO();
  const to = around.plus({ days: 10 }).toUTC().toISO();
  const { events } = await apiGet<{ events: StoredEvent[] }>(token, `/api/calendar/events?from=${from}&to=${to}`);
  return events.find((event) => event.title === title);
}

describe("personal events in Mon agenda", () => {
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

  const title = `Révision ${randomUUID().slice(0, 8)}`;
  const today = DateTime.now().setZone(ZONE).startOf("day");
  // A day next to today that the month grid shows: the grid always holds whole weeks around the month.
  const otherDay = today.weekday === 7 ? today.minus({ days: 1 }) : today.plus({ days: 1 });

  it("creates an event from the form, in the person's time zone", async () => {
    await page.getByRole("button", { name: "Nouvel événement" }).click();
    const dialog = page.getByRole("dialog", { name: "Nouvel événement" });
    await dialog.getByLabel("Titre").fill(title);
    await dialog.getByLabel("Début").fill(`${today.toFormat("yyyy-LL-dd")}T14:00`);
    await dialog.getByLabel("Fin").fill(`${today.toFormat("yyyy-LL-dd")}T15:30`);
    await dialog.getByLabel("Lieu").fill("Bibliothèque");
    await saveScreenshot(page, "event-create-form");
    await dialog.getByRole("button", { name: "Enregistrer" }).click();
    await dialog.waitFor({ state: "hidden" });

    const cell = page.locator(`td.fc-daygrid-day[data-date="${today.toISODate()}"]`);
    await cell.locator(".event-source-platform", { hasText: title }).waitFor();
    const stored = await storedEvent(token, title, today);
    expect(stored).toMatchObject({
      startsAt: today.set({ hour: 14 }).toJSDate().toISOString(),
      endsAt: today.set({ hour: 15, minute: 30 }).toJSDate().toISOString(),
      version: 1,
    });
    await saveScreenshot(page, "event-created");
  });

  it("moves the event to another day by dragging it, keeping its time", async () => {
    const event = page.locator(`td.fc-daygrid-day[data-date="${today.toISODate()}"] .event-source-platform`, {
      hasText: title,
    });
    await drag(
      page,
      event,
      await centreOf(page.locator(`td.fc-daygrid-day[data-date="${otherDay.toISODate()}"] .fc-daygrid-day-frame`)),
    );
    await page.getByRole("status").filter({ hasText: "a été mis à jour" }).waitFor();
    const stored = await storedEvent(token, title, today);
    expect(stored?.startsAt).toBe(otherDay.set({ hour: 14 }).toJSDate().toISOString());
    expect(stored?.version).toBe(2);
    await saveScreenshot(page, "event-moved");
  });

  it("resizes the event in the day view", async () => {
    await page.getByRole("button", { name: "Jour", exact: true }).click();
    await page.locator(`.fc-timeGridDay-view .fc-col-header-cell[data-date="${today.toISODate()}"]`).waitFor();
    await page.locator(otherDay > today ? ".fc-next-button" : ".fc-prev-button").click();
    const event = page.locator(".fc-timegrid-event.event-source-platform", { hasText: title });
    await event.hover();
    const resizer = event.locator(".fc-event-resizer-end");
    // Dropped in the 16:00–16:30 slot, the end snaps to the slot's end.
    const slot = await page.locator('td.fc-timegrid-slot-lane[data-time="16:00:00"]').boundingBox();
    if (!slot) throw new Error("no 16:00 slot");
    await drag(page, resizer, { x: (await centreOf(event)).x, y: slot.y + slot.height / 2 });
    await page.getByRole("status").filter({ hasText: "a été mis à jour" }).waitFor();
    await expect
      .poll(async () => (await storedEvent(token, title, today))?.endsAt)
      .toBe(otherDay.set({ hour: 16, minute: 30 }).toJSDate().toISOString());
    await saveScreenshot(page, "event-resized");
    await page.getByRole("button", { name: "Mois", exact: true }).click();
  });

  it("edits the event through its details", async () => {
    await page.locator(".fc-event.event-source-platform", { hasText: title }).click();
    const details = page.getByRole("dialog", { name: title });
    expect(await details.locator("dl").textContent()).toContain("Événement personnel");
    await details.getByRole("button", { name: "Modifier" }).click();
    const form = page.getByRole("dialog", { name: "Modifier l'événement" });
    expect(await form.getByLabel("Début").inputValue()).toBe(`${otherDay.toFormat("yyyy-LL-dd")}T14:00`);
    await form.getByLabel("Titre").fill(`${title} (modifié)`);
    await form.getByRole("button", { name: "Enregistrer" }).click();
    await form.waitFor({ state: "hidden" });
    await page.locator(".fc-event", { hasText: `${title} (modifié)` }).waitFor();
    expect((await storedEvent(token, `${title} (modifié)`, today))?.version).toBe(4);
    await saveScreenshot(page, "event-edited");
  });

  it("says so when the event changed elsewhere, and shows the current version", async () => {
    const stored = await storedEvent(token, `${title} (modifié)`, today);
    await fetch(agendaUrl(`/api/calendar/events/${stored?.id}`), {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: `${title} (ailleurs)` }),
    });
    await page.locator(".fc-event", { hasText: `${title} (modifié)` }).click();
    await page.getByRole("button", { name: "Modifier" }).click();
    const form = page.getByRole("dialog", { name: "Modifier l'événement" });
    await form.getByLabel("Lieu").fill("Salle 2");
    await form.getByRole("button", { name: "Enregistrer" }).click();
    await form.getByRole("alert").filter({ hasText: "modifié entre-temps" }).waitFor();
    await saveScreenshot(page, "event-version-conflict");
    await form.getByRole("button", { name: "Annuler" }).click();
    await page.locator(".fc-event", { hasText: `${title} (ailleurs)` }).waitFor();
  });

  it("deletes the event after confirmation", async () => {
    const renamed = `${title} (ailleurs)`;
    await page.locator(".fc-event", { hasText: renamed }).click();
    const details = page.getByRole("dialog", { name: renamed });
    await details.getByRole("button", { name: "Supprimer" }).click();
    await details.getByRole("button", { name: "Oui, supprimer" }).click();
    await details.waitFor({ state: "hidden" });
    await page.locator(".fc-event", { hasText: renamed }).waitFor({ state: "detached" });
    expect(await storedEvent(token, renamed, today)).toBeUndefined();
    await saveScreenshot(page, "event-deleted");
  });
});
