import type { NewDirectoryUser } from "./directory";

/**
 * The demo mailboxes `npm run sandbox` seeds. Fixed ids keep a product's stored accounts valid across sandbox
 * restarts even without persistence.
 */
export const DEMO_USERS: readonly NewDirectoryUser[] = [
  {
    id: "3f0c9a58-6d41-4c1e-9b55-0a7e2d4c8f11",
    userPrincipalName: "adele.vance@agenda-sandbox.example",
    displayName: "Adele Vance",
    timeZone: "Europe/Paris",
  },
  {
    id: "8b2e4d17-93c6-4a0f-8e21-5c6d7f9a0b22",
    userPrincipalName: "megan.bowen@agenda-sandbox.example",
    displayName: "Megan Bowen",
    timeZone: "Europe/Paris",
  },
  {
    id: "c71a5e90-2f38-4b6d-a1c4-9e8f0d2b3c33",
    userPrincipalName: "lee.gu@agenda-sandbox.example",
    displayName: "Lee Gu",
    timeZone: "America/New_York",
  },
];
