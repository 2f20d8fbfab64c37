import { useTranslation } from "react-i18next";
import { ConflictDetails } from "../sync/conflict-details";
import type { SyncConflict } from "../sync/sync-types";
import { useReviewConflict, useSyncConflicts } from "../sync/use-sync";
import { ErrorAlert } from "../ui/error-alert";

interface ConflictListProps {
  conflicts: readonly SyncConflict[];
  timeZone: string;
  reviewingId: string | null;
  onReview: (conflict: SyncConflict) => void;
}

/** Each conflict with both versions and "Marquer comme vu". */
export function ConflictList({ conflicts, timeZone, reviewingId, onReview }: ConflictListProps) {
  const { t } = useTranslation();
  if (conflicts.length === 0) return <p>{t("conflicts.empty")}</p>;
  return (
    <ul className="conflict-list">
      {conflicts.map((conflict) => (
        <li key={conflict.id}>
          <article aria-labelledby={`conflict-${conflict.id}`} className="conflict">
            <h3 id={`conflict-${conflict.id}`}>{conflict.title}</h3>
            <ConflictDetails conflict={conflict} timeZone={timeZone} />
            <button
              type="button"
              className="button-secondary"
              disabled={reviewingId === conflict.id}
              onClick={() => onReview(conflict)}
            >
              {t("conflicts.markReviewed")}
              <span className="visually-hidden">{t("app.actionTarget", { target: conflict.title })}</span>
            </button>
          </article>
        </li>
      ))}
    </ul>
  );
}

/** "Conflits à examiner": what the sync met and settled, until the person has seen it. */
export function ConflictsToReview({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const conflicts = useSyncConflicts();
  const review = useReviewConflict();
  return (
    <section className="card" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{t("conflicts.title")}</h2>
      <p role="status">{review.isSuccess ? t("conflicts.reviewed") : ""}</p>
      <ErrorAlert error={conflicts.error ?? review.error} />
      {conflicts.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        conflicts.data && (
          <ConflictList
            conflicts={conflicts.data}
            timeZone={timeZone}
            reviewingId={review.isPending ? (review.variables?.id ?? null) : null}
            onReview={(conflict) => review.mutate({ id: conflict.id })}
          />
        )
      )}
    </section>
  );
}
