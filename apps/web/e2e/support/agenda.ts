import type { Page } from "playwright-core";
import { inject } from "vitest";

export const DEMO = {
  learner: "lea.martin@formation.demo",
  trainer: "thomas.bernard@formation.demo",
  admin: "camille.dubois@formation.demo",
} as const;

/** The server the global setup started, serving the built web app. */
export const agendaUrl = (path = "") => `${inject("agendaUrl")}${path}`;

/** Signs in through the web app's demo sign-in page, as a person would, and waits for the agenda. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(agendaUrl("/sign-in"));
  await page.locator("input[type=email]").fill(email);
  await page.locator("form button[type=submit]").click();
  await page.waitForURL(agendaUrl("/agenda"));
}

/** A session token for checking, through the REST API, what the browser did. */
export async function apiToken(email: string): Promise<string> {
  const response = await fetch(agendaUrl("/api/demo/sign-in"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  return ((await response.json()) as { token: string }).token;
}

export async function apiGet<T>(token: string, path: string): Promise<T> {
  const response = await fetch(agendaUrl(path), { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Integration {
  status: string;
}

/** Whether the person has an Outlook connection (a spec that changes it leaves it as it found it). */
export async function outlookConnected(token: string): Promise<boolean> {
  const { integrations } = await apiGet<{ integrations: Integration[] }>(token, "/api/calendar/integrations");
  return integrations.some(({ status }) => status !== "disconnected");
}

export async function disconnectOutlook(token: string): Promise<void> {
  const response = await fetch(agendaUrl("/api/calendar/integrations/outlook?removeExportedFormations=false"), {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`disconnect: ${response.status} ${await response.text()}`);
}

/** The titles of the events the calendar shows right now. */
export async function visibleEventTitles(page: Page): Promise<string[]> {
  return page.locator(".fc-event .event-title").allTextContents();
}

/** Month and year of a moment in Paris, the demo learner's zone: which month the agenda must show. */
const parisMonth = (date: Date) =>
  new Intl.DateTimeFormat("fr", { timeZone: "Europe/Paris", month: "numeric", year: "numeric" }).format(date);

/** The agenda's month view (in French), moved on to the month holding `date` when it is not the current one. */
export async function openAgendaAt(page: Page, date: Date): Promise<void> {
  await page.goto(agendaUrl("/agenda"));
  await page.getByRole("heading", { level: 1, name: "Mon agenda" }).waitFor();
  await page.locator(".fc-daygrid-day").first().waitFor();
  if (parisMonth(date) !== parisMonth(new Date()))
    await page.getByRole("button", { name: "Suivant", exact: true }).click();
}
