import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConflictDetails } from "../sync/conflict-details";
import type { SyncConflict } from "../sync/sync-types";
import { useResolveConflict, useReviewConflict, useSyncConflicts } from "../sync/use-sync";
import { Dialog } from "../ui/dialog";
import { ErrorAlert } from "../ui/error-alert";

/** Conflicts whose losing version can be taken back: a formation edited in Outlook cannot take Outlook's version. */
export function canKeepOtherVersion(conflict: SyncConflict): boolean {
  return conflict.kind !== "formation_changed_in_outlook" && conflict.resolvedWith === null;
}

/** The side whose version "keep this version instead" takes back: the one the sync did not keep. */
const losingSide = (conflict: SyncConflict) => (conflict.winner === "platform" ? "outlook" : "platform");

interface ConflictListProps {
  conflicts: readonly SyncConflict[];
  timeZone: string;
  reviewingId: string | null;
  onReview: (conflict: SyncConflict) => void;
  /** Offered next to "mark as seen" when given: takes back the version the sync set aside (after a confirmation). */
  onKeepOther?: (conflict: SyncConflict) => void;
}

/** Each conflict with both versions, "Marquer comme vu" and, where it can be, "Garder plutôt l'autre version". */
export function ConflictList({ conflicts, timeZone, reviewingId, onReview, onKeepOther }: ConflictListProps) {
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
            {onKeepOther && canKeepOtherVersion(conflict) && (
              <button
                type="button"
                className="button-secondary"
                disabled={reviewingId === conflict.id}
                onClick={() => onKeepOther(conflict)}
              >
                {t(`conflicts.keepOther.${losingSide(conflict)}`)}
                <span className="visually-hidden">{t("app.actionTarget", { target: conflict.title })}</span>
              </button>
            )}
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
  const resolve = useResolveConflict();
  const [confirming, setConfirming] = useState<SyncConflict | null>(null);
  const busyId = review.isPending
    ? (review.variables?.id ?? null)
    : resolve.isPending
      ? (resolve.variables?.id ?? null)
      : null;
  return (
    <section className="card" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{t("conflicts.title")}</h2>
      <p role="status">
        {resolve.isSuccess ? t("conflicts.resolved") : review.isSuccess ? t("conflicts.reviewed") : ""}
      </p>
      <ErrorAlert error={conflicts.error ?? review.error ?? resolve.error} />
      {conflicts.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        conflicts.data && (
          <ConflictList
            conflicts={conflicts.data}
            timeZone={timeZone}
            reviewingId={busyId}
            onReview={(conflict) => review.mutate({ id: conflict.id })}
            onKeepOther={setConfirming}
          />
        )
      )}
      <Dialog open={confirming !== null} title={t("conflicts.keepOtherTitle")} onClose={() => setConfirming(null)}>
        {confirming && (
          <>
            <p>{t(`conflicts.keepOtherBody.${losingSide(confirming)}`, { title: confirming.title })}</p>
            <div className="dialog-actions">
              <button
                type="button"
                onClick={() => {
                  resolve.mutate({ id: confirming.id });
                  setConfirming(null);
                }}
              >
                {t(`conflicts.keepOther.${losingSide(confirming)}`)}
              </button>
              <button type="button" className="button-secondary" onClick={() => setConfirming(null)}>
                {t("settingsCleanup.cancel")}
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
