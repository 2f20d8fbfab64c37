import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@agenda/api";
import { signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import { customPropertiesExtendedPropertyId } from "@agenda/addin-manifest/custom-properties";
import { AGENDA_ADDIN_ID } from "@agenda/addin-manifest/manifest";
import { sandboxAdmin, sandboxMailboxEvents } from "@agenda/testing/sandbox";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { BrowserContext, Page } from "playwright-core";
import { inject } from "vitest";
import { fakeOffice, type FakeOfficeOptions, type OfficeCall } from "../../src/test-support/fake-office";

export const LEARNER = "lea.martin@formation.demo";

export const agendaUrl = (path = "") => `${inject("agendaUrl")}${path}`;

const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-results/", import.meta.url));

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}

/**
 * The taskpane as Outlook would open it, with the stub standing in for Outlook: defined before any page script, and
 * the server's office.js answered empty so it does not replace the stub.
 */
export async function openStubbedTaskpane(context: BrowserContext, host: Partial<FakeOfficeOptions>): Promise<Page> {
  const options: FakeOfficeOptions = {
    host: "Outlook",
    answers: true,
    item: { kind: "message-read" },
    displayLanguage: "fr-FR",
    emailAddress: LEARNER,
    ...host,
  };
  const page = await context.newPage();
  await page.route("**/addin/office/office.js", (route) => route.fulfill({ contentType: "text/javascript", body: "" }));
  await page.addInitScript({ content: `window.Office = (${fakeOffice.toString()})(${JSON.stringify(options)});` });
  await page.goto(agendaUrl("/addin/taskpane.html"));
  return page;
}

/** What the taskpane asked of the stubbed host. */
export const officeCalls = (page: Page): Promise<OfficeCall[]> =>
  page.evaluate(() => (window as unknown as { Office: { __calls: OfficeCall[] } }).Office.__calls);

async function demoToken(email: string): Promise<string> {
  const response = await fetch(agendaUrl("/api/demo/sign-in"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** The product's API as the person, for arranging and checking what the taskpane does. */
export async function agendaApi(email: string) {
  const token = await demoToken(email);
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: agendaUrl("/trpc"), headers: { authorization: `Bearer ${token}` } })],
  });
}

/** Connects the person's Outlook (their sandbox mailbox) as the web settings would, through the sandbox's sign-in. */
export async function connectOutlook(email: string): Promise<void> {
  const api = await agendaApi(email);
  const { url } = await api.integrations.outlook.authUrl.mutate();
  const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: email });
  await api.integrations.outlook.callback.mutate({
    state: response.get("state") ?? "",
    code: response.get("code") ?? "",
  });
}

/**
 * The add-in's custom properties on the mailbox's event with this subject, as Outlook hands them to the add-in
 * (`loadCustomPropertiesAsync`): the JSON in the event's `cecp-<add-in id>` property.
 */
export async function outlookCustomProperties(mailbox: string, subject: string): Promise<Record<string, string>> {
  const events = await sandboxMailboxEvents({ url: inject("sandboxUrl") }, mailbox);
  const id = customPropertiesExtendedPropertyId(AGENDA_ADDIN_ID).toLowerCase();
  const value = events
    .find((event) => event.subject === subject)
    ?.singleValueExtendedProperties?.find((property) => property.id.toLowerCase() === id)?.value;
  return value ? (JSON.parse(value) as Record<string, string>) : {};
}

/** The subjects of every event in the sandbox mailbox. */
export async function outlookSubjects(mailbox: string): Promise<string[]> {
  const { value } = (await sandboxAdmin({ url: inject("sandboxUrl") }, "GET", `/mailboxes/${mailbox}/events`)) as {
    value: Array<{ subject: string }>;
  };
  return value.map(({ subject }) => subject);
}
