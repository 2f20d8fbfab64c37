import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, DEMO, signIn } from "./support/agenda";
import { launchChromium } from "./support/browser";

describe("the web agenda under the server's Content-Security-Policy", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser.close());

  it("signs in and shows the calendar with no directive violated", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) violations.push(message.text());
    });
    const response = await page.goto(agendaUrl("/sign-in"));
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await signIn(page, DEMO.learner);
    await page.locator(".fc-event").first().waitFor();
    // FullCalendar's injected stylesheet applied: its toolbar is laid out as a flex row.
    expect(await page.locator(".fc-header-toolbar").evaluate((toolbar) => getComputedStyle(toolbar).display)).toBe(
      "flex",
    );
    expect(violations).toEqual([]);
  });
});
