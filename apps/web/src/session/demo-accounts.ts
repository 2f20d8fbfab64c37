import type { UserRole } from "../api/trpc";

/** The users the server seeds in demo mode (README, "Demo users"), offered as one-click sign-ins. */
export const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; role: UserRole }> = [
  { email: "lea.martin@formation.demo", name: "Léa Martin", role: "learner" },
  { email: "thomas.bernard@formation.demo", name: "Thomas Bernard", role: "trainer" },
  { email: "camille.dubois@formation.demo", name: "Camille Dubois", role: "admin" },
];
