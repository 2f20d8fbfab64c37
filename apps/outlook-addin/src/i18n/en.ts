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
    settings: "Calendar settings",
  },
  errors: {
    signIn: "Could not sign in: {{message}}",
    unexpected: "Something went wrong: {{message}}",
  },
};
