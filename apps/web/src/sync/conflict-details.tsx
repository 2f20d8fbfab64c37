import { useTranslation } from "react-i18next";
import { formatEventWhen, formatInstant } from "../format/date-format";
import type { EventSnapshot, SyncConflict } from "./sync-types";

type Side = SyncConflict["winner"];

/** One side's value of a field: what it held, or that this side had deleted the event, or that nothing is known. */
function SnapshotCell({
  snapshot,
  field,
  timeZone,
}: {
  snapshot: EventSnapshot | null;
  field: "title" | "when" | "location";
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  if (!snapshot) return <td>{t("conflicts.unknown")}</td>;
  if (snapshot.deleted) return <td>{t("conflicts.deleted")}</td>;
  if (field === "title") return <td>{snapshot.title}</td>;
  if (field === "location") return <td>{snapshot.location ?? t("conflicts.noLocation")}</td>;
  const timing = { ...snapshot, startDate: snapshot.startDate ?? null, endDate: snapshot.endDate ?? null };
  return <td>{formatEventWhen(timing, i18n.language, timeZone)}</td>;
}

const FIELDS = [
  { field: "title", label: "conflicts.titleField" },
  { field: "when", label: "conflicts.whenField" },
  { field: "location", label: "conflicts.locationField" },
] as const;

/**
 * What collided and how the sync settled it: which version won, and both versions side by side (title, times in the
 * person's zone, place), so nothing the losing side held is out of sight.
 */
export function ConflictDetails({ conflict, timeZone }: { conflict: SyncConflict; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const sideHeader = (side: Side) =>
    `${side === "platform" ? t("conflicts.platformSide") : t("conflicts.outlookSide")}${conflict.winner === side ? ` ${t("conflicts.kept")}` : ""}`;
  return (
    <div className="conflict-details">
      <p>{t(`conflicts.kinds.${conflict.kind}`)}</p>
      <p>
        <strong>{t(`conflicts.winner.${conflict.winner}`)}</strong>{" "}
        <span className="hint">
          {t("conflicts.detectedAt", { when: formatInstant(conflict.detectedAt, i18n.language, timeZone) })}
        </span>
      </p>
      <div className="table-scroll">
        <table className="table conflict-versions">
          <caption className="visually-hidden">{t("conflicts.versions", { title: conflict.title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("conflicts.field")}</th>
              <th scope="col" className={conflict.winner === "platform" ? "conflict-winner" : undefined}>
                {sideHeader("platform")}
              </th>
              <th scope="col" className={conflict.winner === "outlook" ? "conflict-winner" : undefined}>
                {sideHeader("outlook")}
              </th>
            </tr>
          </thead>
          <tbody>
            {FIELDS.map(({ field, label }) => (
              <tr key={field}>
                <th scope="row">{t(label)}</th>
                <SnapshotCell snapshot={conflict.platformVersion} field={field} timeZone={timeZone} />
                <SnapshotCell snapshot={conflict.outlookVersion} field={field} timeZone={timeZone} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
