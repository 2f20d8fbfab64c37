// Benchmarks of the web agenda, on the built app served by the real server (demo mode, throw-away data):
//  1. JavaScript shipped for /agenda, gzipped as the server sends it. Target: under 250 KB.
//  2. Time to render a month holding 2,000 events in headless Chromium. Target: under 500 ms.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerProcess } from "@agenda/testing/server-process";
import { DateTime } from "luxon";
import type { Page } from "playwright-core";
import { launchChromium } from "../e2e/support/browser";

const EVENTS = 2_000;
const CREATE_BATCH = 100;
const RENDER_RUNS = 7;
const ZONE = "Europe/Paris";
const LEARNER = "lea.martin@formation.demo";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Fills this month (in the learner's zone) with events, several a day, through tRPC batches of `events.create`. */
async function seedMonth(origin: string, token: string): Promise<void> {
  const month = DateTime.now().setZone(ZONE).startOf("month");
  const days = month.daysInMonth ?? 30;
  const inputs = Array.from({ length: EVENTS }, (_, i) => {
    const startsAt = month.plus({ days: i % days, hours: 8 + (i % 10), minutes: (i % 2) * 30 });
    return { title: `Événement ${i + 1}`, startsAt: startsAt.toISO(), endsAt: startsAt.plus({ minutes: 45 }).toISO() };
  });
  for (let offset = 0; offset < inputs.length; offset += CREATE_BATCH) {
    const batch = inputs.slice(offset, offset + CREATE_BATCH);
    const response = await fetch(`${origin}/trpc/${batch.map(() => "events.create").join(",")}?batch=1`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(Object.fromEntries(batch.map((input, i) => [i, input]))),
    });
    if (!response.ok) throw new Error(`creating events: ${response.status} ${await response.text()}`);
  }
}

/**
 * In the page: clicks the button, then waits until the month grid shows another title and its events, painted.
 * (No named functions inside: tsx would wrap them in a helper the page does not have.)
 */
async function timeMonthRender(page: Page, button: string): Promise<number> {
  return page.evaluate(async (selector) => {
    const titleBefore = document.querySelector(".fc-toolbar-title")?.textContent;
    const start = performance.now();
    document.querySelector<HTMLButtonElement>(selector)?.click();
    // A month of thousands of events has a "+N autres" in every day.
    while (
      document.querySelector(".fc-toolbar-title")?.textContent === titleBefore ||
      document.querySelectorAll(".fc-day:not(.fc-day-other) .event-hidden-count").length < 28
    ) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    // The frame after the one that has the events: they are painted by then.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return performance.now() - start;
  }, button);
}

const dataDir = await mkdtemp(join(tmpdir(), "agenda-web-bench-"));
await chmod(dataDir, 0o755);
const server = await startServerProcess({ DATA_DIR: dataDir, DEMO_MODE: "true", DATABASE_URL: "" });
const browser = await launchChromium();
try {
  const signIn = await fetch(`${server.url}/api/demo/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: LEARNER }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const seedStart = performance.now();
  await seedMonth(server.url, token);
  console.log(`seeded ${EVENTS} events this month in ${Math.round(performance.now() - seedStart)} ms`);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/sign-in`);
  await page.evaluate((value) => localStorage.setItem("agenda.session-token", value), token);

  await page.goto(`${server.url}/agenda`, { waitUntil: "load" });
  await page.waitForFunction(
    () => document.querySelectorAll(".fc-day:not(.fc-day-other) .event-hidden-count").length >= 28,
    undefined,
    { timeout: 30_000 },
  );
  const firstView = await page.evaluate(() => performance.now());
  // Sizes as they went over the wire (gzipped by the server) and once decoded, for every script the page loaded:
  // by name, as the chunks Vite preloads through <link rel="modulepreload"> are not "script"-initiated.
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((entry) => new URL(entry.name).pathname.endsWith(".js"))
      .map((entry) => ({
        encoded: (entry as PerformanceResourceTiming).encodedBodySize,
        decoded: (entry as PerformanceResourceTiming).decodedBodySize,
      })),
  );
  const encoded = scripts.reduce((sum, script) => sum + script.encoded, 0);
  const decoded = scripts.reduce((sum, script) => sum + script.decoded, 0);
  console.log(
    `JavaScript for /agenda: ${kb(encoded)} gzipped (${kb(decoded)} uncompressed, ${scripts.length} file(s)); target < 250 KB: ${encoded < 250 * 1024 ? "met" : "MISSED"}`,
  );
  console.log(
    `/agenda opened with ${EVENTS} events this month: month shown ${Math.round(firstView)} ms after navigation (bundle, sign-in check, events.list and render)`,
  );

  // Away and back: the month's events come from the cache, so this is FullCalendar rendering them.
  const renders: number[] = [];
  for (let run = 0; run < RENDER_RUNS; run++) {
    await page.locator(".fc-next-button").click();
    await page.waitForFunction(() => document.querySelector(".fc-today-button:not([disabled])"));
    renders.push(await timeMonthRender(page, ".fc-today-button"));
  }
  const rendered = median(renders);
  console.log(
    `month holding ${EVENTS} events rendered in ${rendered.toFixed(0)} ms (median of ${RENDER_RUNS}, min ${Math.min(...renders).toFixed(0)}, max ${Math.max(...renders).toFixed(0)}); target < 500 ms: ${rendered < 500 ? "met" : "MISSED"}`,
  );
} finally {
  await browser.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
