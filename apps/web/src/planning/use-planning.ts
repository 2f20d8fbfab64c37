import { skipToken } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { trpc } from "../api/trpc";
import { listInputFor, type PlanningFilter } from "./formation-form-values";

/** The formations of one filter of the planning list, as the API scopes them (a trainer's own, every one for admins). */
export function usePlannedFormations(filter: PlanningFilter) {
  // "Now" as the page opened: read on every render, it would make a new query each time.
  const [now] = useState(() => new Date());
  return trpc.formations.list.useQuery(listInputFor(filter, now));
}

export function useFormation(id: string | undefined) {
  return trpc.formations.get.useQuery(id ? { id } : skipToken, { retry: false });
}

/** Creating, changing, cancelling a formation: the list, the formation and the agenda reload once the server has it. */
export function useUpsertFormation() {
  const utils = trpc.useUtils();
  return trpc.formations.upsert.useMutation({
    onSuccess: async (formation) => {
      utils.formations.get.setData({ id: formation.id }, formation);
      await Promise.all([utils.formations.list.invalidate(), utils.events.list.invalidate()]);
    },
  });
}

/** A value that follows another once it stopped changing for `delayMs`: a search typed letter by letter. */
export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

export const MIN_SEARCH_LENGTH = 2;

/** People whose name or e-mail holds the query, once the planner stopped typing for a moment. */
export function usePeopleSearch(query: string) {
  const settled = useDebouncedValue(query.trim(), 300);
  return trpc.users.search.useQuery(settled.length >= MIN_SEARCH_LENGTH ? { query: settled, limit: 10 } : skipToken, {
    staleTime: 30_000,
  });
}
