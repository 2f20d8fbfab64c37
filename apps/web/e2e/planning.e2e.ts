import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaUrl, apiToken, DEMO, disconnectOutlook, openAgendaAt, outlookConnected, signIn } from "./support/agenda";
import { seriousAccessibilityViolations } from "./support/axe";
import { launchChromium, saveScreenshot } from "./support/browser";
import { outlookEvents, type OutlookEventView } from "./support/sandbox";

const DAY_MS = 86_400_000;
const TITLE = `Sécurité incendie ${Date.now().toString(36)}`;
const REASON = "Formateur indisponible";
/** The two people enrolled: Léa (French) and Camille (English), enrolled as learners, each with Outlook connected. */
const ENROLLED = [
  { email: DEMO.learner, name: "Léa Martin", cancelledPrefix: "Annulé : " },
  { email: DEMO.admin, name: "Camille Dubois", cancelledPrefix: "Cancelled: " },
] as const;

interface OutlookCopy extends OutlookEventView {
  changeKey: string;
  showAs: string;
  end: { dateTime: string; timeZone: string };
}

/** The copies of this formation's sessions in a mailbox, in the order they happen. */
async function copiesIn(mailbox: string): Promise<OutlookCopy[]> {
  const events = (await outlookEvents(mailbox)) as OutlookCopy[];
  return events
    .filter(({ subject }) => subject.includes(TITLE))
    .sort((first, second) => first.start.dateTime.localeCompare(second.start.dateTime));
}

/** Polls until `check` holds for what `read` answers (exports run in the background, after the request). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 45_000;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`still not ${what}: ${JSON.stringify(value, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await read();
  }
  return value;
}

/** A day from now at a Paris wall-clock time, as <input type="datetime-local"> takes it. */
function parisLocal(daysFromNow: number, time: string): string {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", dateStyle: "short" }).format(
    Date.now() + daysFromNow * DAY_MS,
  );
  return `${day}T${time}`;
}

/** Connects the person's Outlook through the sandbox's sign-in page, unless an earlier spec did. */
async function connectOutlook(page: Page, email: string): Promise<void> {
  await page.goto(agendaUrl("/agenda/settings"));
  const status = page.getByTestId("outlook-status");
  await status.waitFor();
  const connect = page.getByRole("button", { name: /^(Se connecter à Outlook|Connect Outlook)$/ });
  await page
    .getByRole("button", { name: /^(Se connecter à Outlook|Connect Outlook|Déconnecter|Disconnect)$/ })
    .first()
    .waitFor();
  if ((await connect.count()) === 0) return;
  await connect.click();
  await page.waitForURL(/oauth2\/v2\.0\/authorize/);
  await page.locator("#login").fill(email);
  await page.getByRole("button", { name: "Accept" }).click();
  await page
    .getByText(new RegExp(`(Outlook est connecté au compte|Outlook is connected to the account) ${email}`))
    .waitFor();
}

async function enrol(page: Page, query: string, name: string): Promise<void> {
  await page.getByRole("searchbox", { name: "Chercher une personne (nom ou e-mail)" }).fill(query);
  await page.getByRole("button", { name: `Inscrire ${name}` }).click();
  await page.getByRole("button", { name: `Désinscrire ${name}` }).waitFor();
}

describe("planning a formation in the web app", () => {
  let browser: Browser;
  let trainer: Page;
  let formationUrl = "";
  const before = new Map<string, OutlookCopy[]>();

  /** Léa and Camille are other files' people too: whoever this file connects to Outlook is disconnected after. */
  const connectedHere: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    for (const person of ENROLLED) {
      if (!(await outlookConnected(await apiToken(person.email)))) connectedHere.push(person.email);
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      await signIn(page, person.email);
      await connectOutlook(page, person.email);
      await page.close();
    }
    trainer = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(trainer, DEMO.trainer);
  });
  afterAll(async () => {
    // The people enrolled here leave the formation (their copies with it), so that other files find their agenda and
    // mailbox as the demo seeds them.
    await trainer.goto(formationUrl);
    const enrolled = trainer.getByRole("list", { name: "Apprenants inscrits" });
    await enrolled.waitFor();
    for (const { name } of ENROLLED) {
      const unenrol = trainer.getByRole("button", { name: `Désinscrire ${name}` });
      if ((await unenrol.count()) > 0) await unenrol.click();
    }
    await trainer.getByRole("button", { name: "Enregistrer" }).click();
    await trainer.getByText("Formation enregistrée").waitFor();
    for (const { email } of ENROLLED)
      await eventually(
        () => copiesIn(email),
        (found) => found.length === 0,
        `unenrolled in ${email}'s mailbox`,
      );
    for (const email of connectedHere) await disconnectOutlook(await apiToken(email));
    await browser.close();
  });

  it("lets a trainer plan three sessions and enrol two people found by name, with the keyboard and axe-clean", async () => {
    await trainer.getByRole("link", { name: "Planification" }).click();
    await trainer.getByRole("heading", { level: 1, name: "Planification" }).waitFor();
    await trainer.getByRole("link", { name: "Planifier une formation" }).click();
    await trainer.getByRole("heading", { level: 1, name: "Planifier une formation" }).waitFor();

    // What the form refuses, said in French beside the fields.
    await trainer.getByRole("button", { name: "Enregistrer" }).click();
    const problems = trainer.getByRole("alert");
    await problems.getByText("Indiquez un intitulé.").waitFor();

    await trainer.getByLabel("Intitulé").fill(TITLE);
    await trainer.getByLabel("Lieu").fill("Salle Lovelace");
    await trainer.getByLabel("Lien en ligne (https)").fill("http://visio.example.test");
    await trainer.getByLabel("Fuseau horaire").fill("Europe/Paris");
    await trainer.getByLabel("Début de la séance 1").fill(parisLocal(10, "09:00"));
    await trainer.getByLabel("Fin de la séance 1").fill(parisLocal(10, "12:00"));
    // Added from the keyboard: each new session comes the day after the last, at the same times.
    await trainer.getByRole("button", { name: "Ajouter une séance" }).focus();
    await trainer.keyboard.press("Enter");
    await trainer.keyboard.press("Enter");
    expect(await trainer.getByLabel("Début de la séance 3").inputValue()).toBe(parisLocal(12, "09:00"));
    await trainer.getByLabel("Fin de la séance 2").fill(parisLocal(11, "08:00"));
    await trainer.getByRole("button", { name: "Enregistrer" }).click();
    await problems.getByText("Séance 2 : la fin doit être après le début.").waitFor();
    await problems.getByText("Le lien en ligne doit être une adresse https://.").waitFor();
    expect(await trainer.getByLabel("Fin de la séance 2").getAttribute("aria-invalid")).toBe("true");
    expect(await seriousAccessibilityViolations(trainer)).toEqual([]);
    await saveScreenshot(trainer, "planning-form-problems-fr");

    await trainer.getByLabel("Fin de la séance 2").fill(parisLocal(11, "12:00"));
    await trainer.getByLabel("Lien en ligne (https)").fill("");
    await enrol(trainer, "martin", "Léa Martin");
    await enrol(trainer, "camille.dub", "Camille Dubois");
    expect(await seriousAccessibilityViolations(trainer)).toEqual([]);
    await saveScreenshot(trainer, "planning-form-fr");
    await trainer.getByRole("button", { name: "Enregistrer" }).click();
    await trainer.waitForURL(/\/planning\/[0-9a-f-]{36}$/);
    formationUrl = trainer.url();
    await trainer.getByRole("heading", { level: 1, name: `Modifier « ${TITLE} »` }).waitFor();
    expect(await trainer.getByRole("list", { name: "Apprenants inscrits" }).textContent()).toContain("Camille Dubois");

    for (const person of ENROLLED) {
      const copies = await eventually(
        () => copiesIn(person.email),
        (found) => found.length === 3,
        "three copies",
      );
      expect(copies.map(({ subject }) => subject)).toEqual([1, 2, 3].map((n) => expect.stringContaining(`${n}/3`)));
      before.set(person.email, copies);
    }

    await trainer.goto(agendaUrl("/planning"));
    const item = trainer.getByRole("listitem").filter({ hasText: TITLE });
    expect(await item.textContent()).toMatch(/3 séances · 2 apprenants/);
    await saveScreenshot(trainer, "planning-list");
  });

  it("moves session 2: only that copy changes, in both mailboxes", async () => {
    await trainer.goto(formationUrl);
    await trainer.getByLabel("Début de la séance 2").fill(parisLocal(11, "14:00"));
    await trainer.getByLabel("Fin de la séance 2").fill(parisLocal(11, "17:30"));
    await trainer.getByRole("button", { name: "Enregistrer" }).click();
    await trainer.getByText("Formation enregistrée").waitFor();

    for (const person of ENROLLED) {
      const [first, second, third] = before.get(person.email) ?? [];
      const after = await eventually(
        () => copiesIn(person.email),
        (copies) => copies.find(({ id }) => id === second?.id)?.changeKey !== second?.changeKey,
        `session 2 moved in ${person.email}`,
      );
      expect(after.map(({ id }) => id)).toEqual([first?.id, second?.id, third?.id]);
      expect(after[0]?.changeKey).toBe(first?.changeKey);
      expect(after[2]?.changeKey).toBe(third?.changeKey);
      expect(after[1]?.start.dateTime).not.toBe(second?.start.dateTime);
    }
  });

  it("cancels with a reason: the copies read Annulé / Cancelled, shown as free", async () => {
    await trainer.goto(formationUrl);
    await trainer.getByRole("button", { name: "Annuler la formation" }).click();
    const dialog = trainer.getByRole("dialog", { name: `Annuler « ${TITLE} »` });
    await dialog.getByLabel("Motif de l'annulation").fill(REASON);
    expect(await seriousAccessibilityViolations(trainer)).toEqual([]);
    await saveScreenshot(trainer, "planning-cancel-dialog");
    await dialog.getByRole("button", { name: "Oui, annuler la formation" }).click();
    await trainer.getByText(`Motif : ${REASON}`).waitFor();
    await trainer.getByRole("button", { name: "Reprogrammer la formation" }).waitFor();

    for (const person of ENROLLED) {
      const copies = await eventually(
        () => copiesIn(person.email),
        (found) => found.length === 3 && found.every(({ subject }) => subject.startsWith(person.cancelledPrefix)),
        `cancelled in ${person.email}`,
      );
      expect(copies.map(({ showAs }) => showAs)).toEqual(["free", "free", "free"]);
    }
    await trainer.goto(agendaUrl("/planning?filter=cancelled"));
    await trainer.getByRole("listitem").filter({ hasText: TITLE }).getByText(REASON).waitFor();
  });

  it("shows the learner the cancelled sessions struck through, with the reason, and a read-only detail", async () => {
    const learner = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(learner, DEMO.learner);
    expect(await learner.getByRole("link", { name: "Planification" }).count()).toBe(0);
    await learner.goto(agendaUrl("/planning/new"));
    await learner.waitForURL(agendaUrl("/agenda"));
    await openAgendaAt(learner, new Date(Date.now() + 10 * DAY_MS));
    const session = learner.locator(".fc-event.event-cancelled", { hasText: TITLE }).first();
    await session.waitFor();
    expect(await session.locator(".event-title").evaluate((title) => getComputedStyle(title).textDecorationLine)).toBe(
      "line-through",
    );
    await saveScreenshot(learner, "planning-learner-agenda-cancelled");
    await session.click();
    const details = learner.getByRole("dialog").filter({ hasText: TITLE });
    await details.getByText(REASON).waitFor();
    expect(await seriousAccessibilityViolations(learner)).toEqual([]);
    await details.getByRole("link", { name: "Voir la formation" }).click();
    await learner.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    await learner.getByText(`Motif : ${REASON}`).waitFor();
    expect(await learner.getByText("Camille Dubois").count()).toBe(0);
    expect(await learner.getByRole("button", { name: "Enregistrer" }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(learner)).toEqual([]);
    await saveScreenshot(learner, "planning-learner-detail");
    await learner.close();
  });

  it("reschedules (the marks go) and unenrols one person: only their copies leave", async () => {
    await trainer.goto(formationUrl);
    await trainer.getByRole("button", { name: "Reprogrammer la formation" }).click();
    await trainer.getByRole("button", { name: "Annuler la formation" }).waitFor();
    for (const person of ENROLLED) {
      const copies = await eventually(
        () => copiesIn(person.email),
        (found) => found.every(({ subject }) => subject.startsWith(TITLE)),
        `scheduled again in ${person.email}`,
      );
      expect(copies.map(({ showAs }) => showAs)).toEqual(["busy", "busy", "busy"]);
    }
    const lea = await copiesIn(DEMO.learner);

    await trainer.getByRole("button", { name: "Désinscrire Camille Dubois" }).click();
    await trainer.getByRole("button", { name: "Enregistrer" }).click();
    await trainer.getByText("Formation enregistrée").waitFor();
    await eventually(
      () => copiesIn(DEMO.admin),
      (found) => found.length === 0,
      "unenrolled in Camille's mailbox",
    );
    expect((await copiesIn(DEMO.learner)).map(({ changeKey }) => changeKey)).toEqual(
      lea.map(({ changeKey }) => changeKey),
    );
    expect(await trainer.getByRole("list", { name: "Apprenants inscrits" }).textContent()).not.toContain("Camille");
  });

  it("is axe-clean in English and fits a phone's width", async () => {
    const admin = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await signIn(admin, DEMO.admin);
    await admin.goto(agendaUrl("/planning/new"));
    await admin.getByRole("heading", { level: 1, name: "Plan a formation" }).waitFor();
    await admin.getByRole("button", { name: "Save" }).click();
    await admin.getByRole("alert").getByText("Give it a title.").waitFor();
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await saveScreenshot(admin, "planning-form-en-phone");
    await admin.goto(formationUrl);
    await admin.getByRole("heading", { level: 1, name: `Edit “${TITLE}”` }).waitFor();
    expect(await seriousAccessibilityViolations(admin)).toEqual([]);
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await saveScreenshot(admin, "planning-edit-en-phone");
    await admin.close();
  });
});
