import type { Messages } from "./fr";

export const en: Messages = {
  office: {
    waiting: "Connecting to Outlook…",
    noAnswer: "Outlook did not answer: the add-in could not load. Check your connection, then open the pane again.",
    outside: "This pane is an Outlook add-in: open it from Outlook (an appointment or a message).",
    retry: "Try again",
  },
  title: "My formations",
  formations: {
    empty: "No upcoming formation.",
    push: "Add to Outlook",
    pushAgain: "Send to Outlook again",
    pushed: "Added to your Outlook calendar.",
    fill: "Fill with this formation",
    filled: "The appointment was filled with “{{title}}”.",
    addToCalendar: "Add to my calendar",
    state: {
      in_outlook: "In Outlook",
      pending: "Being sent",
      not_exported: "Not in Outlook yet",
      removed_in_outlook: "Removed in Outlook",
      conflict: "Conflict",
      error: "Error",
    },
  },
  current: {
    heading: "This formation",
    enrolled: "You are enrolled in this formation.",
    trainer: "Trainer: {{name}}",
    learners: "{{count}} participant(s)",
    location: "Location: {{location}}",
  },
  sync: {
    heading: "Sync",
    not_connected: "Outlook is not connected to your agenda yet.",
    connect: "Connect Outlook",
    idle: "In sync with {{email}}",
    syncing: "Syncing…",
    error: "The last sync failed.",
    needs_reauth: "Reconnect Outlook to resume syncing.",
    unknown: "Sync status unknown.",
    unlinked: "Your Microsoft account is not linked to your agenda yet: connect Outlook from the calendar settings.",
    settings: "Calendar settings",
  },
  auth: {
    signingIn: "Signing in to your Microsoft account…",
    failed: "The Microsoft sign-in failed: {{message}}",
    noOffice: "This sign-in window opens from the Outlook add-in.",
    dialogClosed: "The sign-in window was closed before the end: try again to sign in.",
    dialogBlocked: "Outlook could not open the sign-in window: allow it, then try again.",
  },
  errors: {
    signIn: "Could not sign in: {{message}}",
    unexpected: "Something went wrong: {{message}}",
  },
};
