import { readFile } from "node:fs/promises";
import { readCalendar } from "@agenda/testing/icalendar";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../web/e2e/support/browser";
import { FORMATION_ID_CUSTOM_PROPERTY } from "@agenda/addin-manifest/custom-properties";
import {
  agendaApi,
  agendaUrl,
  connectOutlook,
  LEARNER,
  officeCalls,
  openStubbedTaskpane,
  outlookCustomProperties,
  outlookSubjects,
  saveScreenshot,
} from "./support/office-host";

const FORMATION = "RGPD : les fondamentaux";

describe("the Outlook add-in's taskpane", () => {
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium();
    // A French browser: outside Office the taskpane speaks the browser's language, in Outlook Outlook's.
    context = await browser.newContext({ viewport: { width: 360, height: 900 }, locale: "fr-FR" });
    await connectOutlook(LEARNER);
  });
  afterAll(() => browser.close());

  it("lists the learner's formations, already in Outlook since connecting, and a push never makes a second copy", async () => {
    const page = await openStubbedTaskpane(context, {});
    const formation = page.getByRole("listitem", { name: FORMATION });
    // Connecting Outlook sent the learner's formations there: nobody had to push them.
    await formation.getByText("Dans Outlook", { exact: true }).waitFor();
    await page.getByTestId("sync-status").getByText(`Synchronisé avec ${LEARNER}`).waitFor();
    expect((await outlookSubjects(LEARNER)).filter((subject) => subject === FORMATION)).toHaveLength(1);
    await saveScreenshot(page, "addin-formations");

    for (let push = 0; push < 2; push++) {
      await formation.getByRole("button", { name: "Renvoyer vers Outlook" }).click();
      await formation.getByText("Ajoutée à votre calendrier Outlook.").waitFor();
      expect((await outlookSubjects(LEARNER)).filter((subject) => subject === FORMATION)).toHaveLength(1);
    }
    await saveScreenshot(page, "addin-pushed");
    await page.close();
  });

  it("downloads a formation as a published .ics holding the same event as the learner's calendar feed", async () => {
    const page = await openStubbedTaskpane(context, {});
    const downloading = page.waitForEvent("download");
    await page
      .getByRole("listitem", { name: FORMATION })
      .getByRole("button", { name: "Ajouter à mon calendrier" })
      .click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("rgpd-les-fondamentaux.ics");
    const file = readCalendar(await readFile(await download.path(), "utf8"));
    expect(file.method).toBe("PUBLISH");
    expect(file.events).toHaveLength(1);
    expect(file.events[0]?.summary).toBe(FORMATION);

    const api = await agendaApi(LEARNER);
    const formationId = (await api.sync.formations.query()).find(({ title }) => title === FORMATION)?.formationId;
    const [session] = (await api.formations.get.query({ id: formationId ?? "" })).sessions;
    expect(file.events[0]?.uid).toBe(`formation-session-${session?.id}@agenda`);
    const feed = await api.feeds.rotate.mutate();
    if (!feed.enabled) throw new Error("the feed did not turn on");
    const inFeed = readCalendar(await (await fetch(feed.url)).text()).events.find(
      ({ uid }) => uid === file.events[0]?.uid,
    );
    expect(inFeed).toEqual(file.events[0]);
    await api.feeds.delete.mutate();
    await page.close();
  });

  it("fills the appointment being composed with a formation", async () => {
    const page = await openStubbedTaskpane(context, {
      item: { kind: "appointment-compose" },
      displayLanguage: "en-US",
    });
    await page
      .getByRole("listitem", { name: FORMATION })
      .getByRole("button", { name: "Fill with this formation" })
      .click();
    await page.getByText(`The appointment was filled with “${FORMATION}”.`).waitFor();
    const calls = (await officeCalls(page)).filter(({ method }) => !method.startsWith("mailbox."));
    expect(calls.map(({ method }) => method)).toEqual([
      "subject.setAsync",
      "start.setAsync",
      "end.setAsync",
      "location.setAsync",
      "body.setAsync",
      "customProperties.set",
      "customProperties.saveAsync",
    ]);
    expect(calls[0]?.value).toBe(FORMATION);
    expect(calls.at(-1)?.value).toEqual({ [FORMATION_ID_CUSTOM_PROPERTY]: expect.any(String) });
    await saveScreenshot(page, "addin-compose-filled");
    await page.close();
  });

  it("shows the formation an appointment in read mode is", async () => {
    const formationId = await (async () => {
      const page = await openStubbedTaskpane(context, { item: { kind: "appointment-compose" } });
      await page
        .getByRole("listitem", { name: FORMATION })
        .getByRole("button", { name: "Remplir avec cette formation" })
        .click();
      await page.getByText(/Le rendez-vous a été rempli/).waitFor();
      const saved = (await officeCalls(page)).at(-1)?.value as Record<string, string>;
      await page.close();
      return saved[FORMATION_ID_CUSTOM_PROPERTY] ?? "";
    })();
    const page = await openStubbedTaskpane(context, {
      item: {
        kind: "appointment-read",
        subject: FORMATION,
        customProperties: { [FORMATION_ID_CUSTOM_PROPERTY]: formationId },
      },
    });
    const details = page.getByTestId("current-formation");
    await details.getByText(`Cette formation : ${FORMATION}`).waitFor();
    await details.getByText("Vous êtes inscrit(e) à cette formation.").waitFor();
    await saveScreenshot(page, "addin-read-formation");
    await page.close();
  });

  it("recognises the copy the server exported by the custom property it wrote for the add-in", async () => {
    // Pushed by the first test: the copy in the mailbox carries the add-in's custom property.
    const customProperties = await outlookCustomProperties(LEARNER, FORMATION);
    expect(customProperties).toEqual({ [FORMATION_ID_CUSTOM_PROPERTY]: expect.any(String) });
    // A renamed copy without its category: only the custom property can say which formation it is.
    const page = await openStubbedTaskpane(context, {
      item: { kind: "appointment-read", subject: "Renommé dans Outlook", categories: [], customProperties },
    });
    await page.getByTestId("current-formation").getByText(`Cette formation : ${FORMATION}`).waitFor();
    await page.close();
  });

  it("says it belongs in Outlook when office.js loads in a plain browser", async () => {
    const page = await context.newPage();
    await page.goto(agendaUrl("/addin/taskpane.html"));
    await page
      .getByRole("alert")
      .getByText(/ouvrez-le depuis Outlook/)
      .waitFor();
    await saveScreenshot(page, "addin-outside-office");
    await page.close();
  });

  it("says Outlook did not answer when office.js never does", async () => {
    const page = await context.newPage();
    await page.route("**/addin/office/office.js", (route) =>
      route.fulfill({
        contentType: "text/javascript",
        body: "window.Office = { onReady: () => new Promise(() => {}), HostType: { Outlook: 'Outlook' } };",
      }),
    );
    await page.goto(agendaUrl("/addin/taskpane.html"));
    await page
      .getByRole("alert")
      .getByText(/Outlook n'a pas répondu/)
      .waitFor({ timeout: 20_000 });
    await saveScreenshot(page, "addin-office-no-answer");
    await page.close();
  });
});
