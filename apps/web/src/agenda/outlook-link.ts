/** Opens an event in Outlook on the web, from the id Graph gave it (the same form as Graph's own `webLink`). */
export function outlookWebLink(graphEventId: string): string {
  return `https://outlook.office.com/calendar/item/${encodeURIComponent(graphEventId)}`;
}
