import type { DatabaseOrTransaction } from "@agenda/db/client";
import { streamTickets, users } from "@agenda/db/schema";
import { eq, lt } from "drizzle-orm";
import { hashSecret, newSecret } from "./secrets";
import type { User } from "./users";

export const STREAM_TICKET_PREFIX = "agd_tkt_";

/** Long enough to open a stream right after asking for the ticket; a reconnection asks for a new one. */
export const STREAM_TICKET_LIFETIME_MS = 60_000;

/**
 * A single-use ticket that opens one stream (`purpose`, a procedure path) for the user: what goes in the URL of an
 * EventSource instead of their session token. The stream it opens ends when that session does.
 */
export async function issueStreamTicket(
  db: DatabaseOrTransaction,
  grant: { userId: string; purpose: string; sessionExpiresAt: Date },
): Promise<{ ticket: string; expiresAt: string }> {
  const ticket = newSecret(STREAM_TICKET_PREFIX);
  const expiresAt = new Date(Math.min(Date.now() + STREAM_TICKET_LIFETIME_MS, grant.sessionExpiresAt.getTime()));
  // Tickets nobody redeemed are not kept: each issue sweeps the expired ones (an index range, usually empty).
  await db.delete(streamTickets).where(lt(streamTickets.expiresAt, new Date()));
  await db.insert(streamTickets).values({ ticketHash: hashSecret(ticket), ...grant, expiresAt });
  return { ticket, expiresAt: expiresAt.toISOString() };
}

/** Spends a ticket: its user, purpose and session expiry if it exists and has not expired; it is gone either way. */
export async function redeemStreamTicket(
  db: DatabaseOrTransaction,
  ticket: string,
): Promise<{ user: User; purpose: string; sessionExpiresAt: Date } | undefined> {
  if (!ticket.startsWith(STREAM_TICKET_PREFIX) || ticket.length > 128) return undefined;
  const [spent] = await db
    .delete(streamTickets)
    .where(eq(streamTickets.ticketHash, hashSecret(ticket)))
    .returning();
  if (!spent || spent.expiresAt.getTime() <= Date.now()) return undefined;
  const [user] = await db.select().from(users).where(eq(users.id, spent.userId));
  return user ? { user, purpose: spent.purpose, sessionExpiresAt: spent.sessionExpiresAt } : undefined;
}
