import type { EventInstance } from "../event-model";
import { escapeHtml } from "../html";
import { itemInstance } from "../instances";
import type { MailboxStore } from "../mailbox-store";
import { DAY_MS, formatGraphDateTime, resolveTimeZone, utcToWallClock } from "../time-zones";

function localTime(at: number, zone: string, isAllDay: boolean): string {
  const iana = resolveTimeZone(zone)?.iana ?? "UTC";
  const wall = utcToWallClock(at, iana);
  return isAllDay
    ? new Date(Math.floor(wall / DAY_MS) * DAY_MS).toISOString().slice(0, 10)
    : formatGraphDateTime(wall).slice(0, 16).replace("T", " ");
}

function eventRow(mailbox: MailboxStore, instance: EventInstance, base: string): string {
  const { item, content } = instance;
  const zone = mailbox.owner.timeZone;
  const action = (verb: string): string =>
    `${base}/events/${encodeURIComponent(mailbox.owner.id)}/${encodeURIComponent(item.immutableId)}/${verb}`;
  const otherCalendars = [...mailbox.calendars.values()].filter((calendar) => calendar.id !== item.calendarId);
  const moveForm =
    otherCalendars.length === 0
      ? ""
      : `<form method="post" action="${action("move")}" class="inline">
          <label>Move to <select name="calendarId">${otherCalendars.map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.name)}</option>`).join("")}</select></label>
          <button type="submit">Move</button></form>`;
  const shiftForm = item.recurrence
    ? `<form method="post" action="${action("shift")}" class="inline">
        <label>Shift series by <input type="number" name="minutes" value="60" size="5"> min</label><button type="submit">Shift</button></form>`
    : "";
  return `<tr id="event-${escapeHtml(item.immutableId)}">
    <td>${escapeHtml(content.subject || "(no subject)")}</td>
    <td>${escapeHtml(localTime(content.start, zone, content.isAllDay))}</td>
    <td>${escapeHtml(localTime(content.end, zone, content.isAllDay))}</td>
    <td>${instance.type === "seriesMaster" ? `series (${escapeHtml(item.recurrence?.pattern.type ?? "")})` : "single"}</td>
    <td>${moveForm}${shiftForm}
      <form method="post" action="${action("delete")}" class="inline"><button type="submit" aria-label="Delete ${escapeHtml(content.subject)}">Delete</button></form></td>
  </tr>`;
}

function mailboxSection(mailbox: MailboxStore, base: string): string {
  const owner = mailbox.owner;
  const calendars = [...mailbox.calendars.values()];
  const calendarTables = calendars
    .map((calendar) => {
      const items = [...mailbox.itemsOf(calendar.id)].sort((a, b) => a.start - b.start).slice(0, 200);
      const rows = items.map((item) => eventRow(mailbox, itemInstance(item), base)).join("");
      return `<h4>${escapeHtml(calendar.name)}${calendar.isDefaultCalendar ? " (default)" : ""}</h4>
        <table><caption class="visually-hidden">Events of ${escapeHtml(calendar.name)}</caption>
        <thead><tr><th scope="col">Subject</th><th scope="col">Start</th><th scope="col">End</th><th scope="col">Kind</th><th scope="col">Actions</th></tr></thead>
        <tbody>${rows || `<tr><td colspan="5">No events.</td></tr>`}</tbody></table>`;
    })
    .join("");
  const id = escapeHtml(owner.id);
  return `<section aria-labelledby="mailbox-${id}">
    <h2 id="mailbox-${id}">${escapeHtml(owner.displayName)} &lt;${escapeHtml(owner.userPrincipalName)}&gt;</h2>
    <p>Time zone: ${escapeHtml(owner.timeZone)} · ${mailbox.itemCount} events</p>
    ${calendarTables}
    <details><summary>New event</summary>
    <form method="post" action="${base}/events/${encodeURIComponent(owner.id)}">
      <p><label for="subject-${id}">Subject</label> <input id="subject-${id}" name="subject" required></p>
      <p><label for="calendar-${id}">Calendar</label> <select id="calendar-${id}" name="calendarId">${calendars
        .map((c) => `<option value="${escapeHtml(c.id)}">${escapeHtml(c.name)}</option>`)
        .join("")}</select></p>
      <p><label for="start-${id}">Start</label> <input id="start-${id}" type="datetime-local" name="start" required>
         <label for="end-${id}">End</label> <input id="end-${id}" type="datetime-local" name="end" required></p>
      <p><label for="zone-${id}">Time zone</label> <input id="zone-${id}" name="timeZone" value="${escapeHtml(owner.timeZone)}">
         <label><input type="checkbox" name="isAllDay" value="true"> All day</label></p>
      <p><label for="repeat-${id}">Repeat</label> <select id="repeat-${id}" name="repeat">
           <option value="">Never</option><option value="daily">Daily</option><option value="weekly">Weekly</option><option value="absoluteMonthly">Monthly</option></select>
         <label for="count-${id}">Occurrences</label> <input id="count-${id}" type="number" name="occurrences" value="10" min="1" max="999"></p>
      <p><button type="submit">Create event</button></p>
    </form></details>
    <details><summary>New calendar</summary>
    <form method="post" action="${base}/calendars/${encodeURIComponent(owner.id)}">
      <p><label for="calendar-name-${id}">Name</label> <input id="calendar-name-${id}" name="name" required> <button type="submit">Create calendar</button></p>
    </form></details>
  </section>`;
}

/** The page a person uses to act as the mailbox owner in Outlook: see, create, move and delete events. */
export function adminPage(mailboxes: MailboxStore[], base: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Microsoft sandbox — mailboxes</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}
table{border-collapse:collapse;width:100%;margin-bottom:1rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
form.inline{display:inline-block;margin-right:.5rem}section{border-top:2px solid #444;margin-top:2rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
</style></head>
<body><main>
<h1>Microsoft sandbox — mailboxes</h1>
<p>Changes made here behave like changes made in Outlook: they reach delta queries and change notifications.</p>
${mailboxes.map((mailbox) => mailboxSection(mailbox, base)).join("") || "<p>No mailboxes yet.</p>"}
<section aria-labelledby="new-mailbox"><h2 id="new-mailbox">New mailbox</h2>
<form method="post" action="${base}/mailboxes">
  <p><label for="upn">User principal name</label> <input id="upn" name="userPrincipalName" type="email" required></p>
  <p><label for="display-name">Display name</label> <input id="display-name" name="displayName"></p>
  <p><label for="time-zone">Time zone (IANA)</label> <input id="time-zone" name="timeZone" value="Europe/Paris"></p>
  <p><button type="submit">Create mailbox</button></p>
</form></section>
</main></body></html>`;
}

export function itemPage(mailbox: MailboxStore, instance: EventInstance, base: string): string {
  const { content } = instance;
  const zone = mailbox.owner.timeZone;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>
<body><main><h1>${escapeHtml(content.subject || "(no subject)")}</h1>
<p>${escapeHtml(localTime(content.start, zone, content.isAllDay))} – ${escapeHtml(localTime(content.end, zone, content.isAllDay))} (${escapeHtml(zone)})</p>
<p>Mailbox: ${escapeHtml(mailbox.owner.userPrincipalName)} · Calendar: ${escapeHtml(mailbox.calendars.get(instance.item.calendarId)?.name ?? "")}</p>
<p><a href="${base}#event-${escapeHtml(instance.item.immutableId)}">Back to the mailboxes</a></p></main></body></html>`;
}
