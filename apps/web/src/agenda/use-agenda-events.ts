import { keepPreviousData, skipToken } from "@tanstack/react-query";
import { trpc } from "../api/trpc";

export interface VisibleRange {
  from: string;
  to: string;
}

/** The events of the range the calendar shows; the previous range's stay on screen while the next one loads. */
export function useAgendaEvents(range: VisibleRange | null) {
  return trpc.events.list.useQuery(range ?? skipToken, { placeholderData: keepPreviousData });
}

/** Creating, changing and deleting personal events; the agenda reloads once the server has them. */
export function useEventMutations() {
  const utils = trpc.useUtils();
  const reload = () => utils.events.list.invalidate();
  return {
    create: trpc.events.create.useMutation({ onSuccess: reload }),
    // A failed update reloads too: after a version conflict the agenda must show what the server has now.
    update: trpc.events.update.useMutation({ onSettled: reload }),
    /** Drag and drop: an update of its own, so its failure shows on the page rather than in the edit form. */
    move: trpc.events.update.useMutation({ onSettled: reload }),
    remove: trpc.events.delete.useMutation({ onSuccess: reload }),
  };
}
