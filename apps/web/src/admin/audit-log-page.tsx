import { saveTextFile } from "@agenda/client/save-file";
import { AUDIT_ACTIONS, AUDIT_AREAS, isAuditAction } from "@agenda/domain/audit-actions";
import { DateTime } from "luxon";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { trpc, type AuditLogEntry } from "../api/trpc";
import { formatInstant } from "../format/date-format";
import { useCurrentUser } from "../session/current-user";
import { ErrorAlert } from "../ui/error-alert";
import { ScrollableTable } from "../ui/scrollable-table";
import { usePageTitle } from "../ui/use-page-title";
import { AdminNavigation } from "./admin-navigation";
import { auditLogCsv } from "./audit-log-csv";
import { useAuditLog, type AuditLogFilters } from "./use-audit-log";

/** The most an export gathers: past that, narrower filters say more than a bigger file. */
const EXPORT_MAX = 10_000;
const EXPORT_PAGE = 200;

/** What the page's address holds: the filters as a person typed them (dates as days, in their time zone). */
interface FilterForm {
  person: string;
  action: string;
  from: string;
  to: string;
}

function formOf(params: URLSearchParams): FilterForm {
  return {
    person: params.get("person") ?? "",
    action: params.get("action") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
}

/** The API's filters: a person by email (or id), the days from the first's start to the end of the last, in `timeZone`. */
function filtersOf(form: FilterForm, timeZone: string): AuditLogFilters {
  const day = (date: string) => DateTime.fromISO(date, { zone: timeZone }).startOf("day");
  const person = form.person.trim();
  return {
    ...(person ? (person.includes("@") ? { userEmail: person } : { userId: person }) : {}),
    ...(form.action ? { action: form.action } : {}),
    ...(form.from && day(form.from).isValid ? { from: day(form.from).toISO() ?? undefined } : {}),
    ...(form.to && day(form.to).isValid ? { to: day(form.to).plus({ days: 1 }).toISO() ?? undefined } : {}),
  };
}

function ActionName({ action }: { action: string }) {
  const { t } = useTranslation();
  return <>{isAuditAction(action) ? t(`auditLog.actions.${action}`) : action}</>;
}

/** A detail's facts as `name: value`, nested ones by their path; values as JSON when they are no plain text. */
function detailLines(detail: Record<string, unknown> | null, prefix = ""): string[] {
  if (!detail) return [];
  return Object.entries(detail).flatMap(([key, value]) => {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object" && !Array.isArray(value))
      return detailLines(value as Record<string, unknown>, name);
    const shown = Array.isArray(value)
      ? value.map(String).join(", ")
      : typeof value === "string"
        ? value
        : JSON.stringify(value);
    return [`${name}: ${shown}`];
  });
}

function EntryRow({ entry, timeZone }: { entry: AuditLogEntry; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const actor =
    entry.actor.kind === "service"
      ? t("auditLog.actor.service", { name: entry.actor.label ?? "?" })
      : entry.actor.kind === "system"
        ? entry.actor.label
          ? t("auditLog.actor.systemPart", { part: entry.actor.label })
          : t("auditLog.actor.system")
        : (entry.actor.label ?? t("auditLog.unknown"));
  const subjectType = entry.subject?.type;
  return (
    <tr>
      <th scope="row">{formatInstant(entry.occurredAt, i18n.language, timeZone)}</th>
      <td>
        <ActionName action={entry.action} />
      </td>
      <td>
        <span className={`status-badge audit-${entry.outcome}`}>{t(`auditLog.outcome.${entry.outcome}`)}</span>
      </td>
      <td>{actor}</td>
      <td>
        {entry.user && <div>{entry.user.label ?? entry.user.id}</div>}
        {entry.subject && (
          <div className={entry.user ? "hint" : undefined}>
            {subjectType === "formation" || subjectType === "service_token" || subjectType === "job"
              ? t(`auditLog.subjectTypes.${subjectType}`)
              : subjectType}{" "}
            «&nbsp;{entry.subject.label ?? entry.subject.id}&nbsp;»
          </div>
        )}
      </td>
      <td className="audit-detail">
        {detailLines(entry.detail).map((line) => (
          <div key={line}>{line}</div>
        ))}
      </td>
      <td className="hint">{entry.requestId ?? "—"}</td>
    </tr>
  );
}

function FiltersForm({ initial, onApply }: { initial: FilterForm; onApply: (form: FilterForm) => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState(initial);
  const set = (field: keyof FilterForm) => (event: { target: { value: string } }) =>
    setForm({ ...form, [field]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(form);
  };
  return (
    <form className="fieldset audit-filters" aria-label={t("auditLog.filters")} onSubmit={submit}>
      <div className="field-row">
        <div className="field">
          <label htmlFor="audit-person">{t("auditLog.person")}</label>
          <input id="audit-person" type="search" value={form.person} onChange={set("person")} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t("auditLog.action")}</label>
          <select id="audit-action" value={form.action} onChange={set("action")}>
            <option value="">{t("auditLog.allActions")}</option>
            {AUDIT_AREAS.map((area) => (
              <optgroup key={area} label={t(`auditLog.areas.${area}`)}>
                <option value={`${area}.`}>{t("auditLog.allOfArea", { area: t(`auditLog.areas.${area}`) })}</option>
                {AUDIT_ACTIONS.filter((action) => action.startsWith(`${area}.`)).map((action) => (
                  <option key={action} value={action}>
                    {t(`auditLog.actions.${action}`)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t("auditLog.from")}</label>
          <input id="audit-from" type="date" value={form.from} onChange={set("from")} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t("auditLog.to")}</label>
          <input id="audit-to" type="date" value={form.to} onChange={set("to")} />
        </div>
      </div>
      <div className="card-actions">
        <button type="submit">{t("auditLog.apply")}</button>
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            const empty = { person: "", action: "", from: "", to: "" };
            setForm(empty);
            onApply(empty);
          }}
        >
          {t("auditLog.reset")}
        </button>
      </div>
    </form>
  );
}

/** Every entry the filters select, page after page up to EXPORT_MAX, as a CSV file the browser saves. */
function useCsvExport(filters: AuditLogFilters) {
  const utils = trpc.useUtils();
  const [state, setState] = useState<{ running: boolean; count: number; truncated: boolean; error: unknown }>({
    running: false,
    count: 0,
    truncated: false,
    error: null,
  });
  const run = async () => {
    setState({ running: true, count: 0, truncated: false, error: null });
    try {
      const entries: AuditLogEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await utils.auditLog.list.fetch({ ...filters, limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) });
        entries.push(...page.entries);
        cursor = page.nextCursor ?? undefined;
        setState((current) => ({ ...current, count: entries.length }));
      } while (cursor && entries.length < EXPORT_MAX);
      const kept = entries.slice(0, EXPORT_MAX);
      saveTextFile(document, {
        name: `audit-log-${DateTime.now().toFormat("yyyy-LL-dd-HHmm")}.csv`,
        text: auditLogCsv(kept),
        type: "text/csv;charset=utf-8",
      });
      setState({ running: false, count: kept.length, truncated: Boolean(cursor), error: null });
    } catch (error) {
      setState({ running: false, count: 0, truncated: false, error });
    }
  };
  return { ...state, run };
}

function AuditLogSection({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const form = formOf(params);
  const filters = filtersOf(form, timeZone);
  const log = useAuditLog(filters);
  const csv = useCsvExport(filters);
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const apply = (next: FilterForm) =>
    setParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value !== "")), { replace: true });
  return (
    <>
      <FiltersForm key={params.toString()} initial={form} onApply={apply} />
      <div className="card-actions">
        <button type="button" className="button-secondary" disabled={csv.running} onClick={() => void csv.run()}>
          {t("auditLog.export")}
        </button>
        <p role="status">
          {csv.running
            ? t("auditLog.exporting", { count: csv.count })
            : csv.truncated
              ? t("auditLog.exportTruncated", { count: csv.count })
              : ""}
        </p>
      </div>
      <ErrorAlert error={log.error ?? csv.error} />
      {log.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : entries.length === 0 ? (
        <p>{t("auditLog.empty")}</p>
      ) : (
        <>
          <ScrollableTable
            labelledBy="audit-log-title"
            columns={[
              t("auditLog.columns.when"),
              t("auditLog.columns.action"),
              t("auditLog.columns.outcome"),
              t("auditLog.columns.actor"),
              t("auditLog.columns.subject"),
              t("auditLog.columns.detail"),
              t("auditLog.columns.request"),
            ]}
          >
            {entries.map((entry) => (
              <EntryRow key={entry.id} entry={entry} timeZone={timeZone} />
            ))}
          </ScrollableTable>
          {log.hasNextPage && (
            <button
              type="button"
              className="button-secondary"
              disabled={log.isFetchingNextPage}
              onClick={() => void log.fetchNextPage()}
            >
              {t("auditLog.more")}
            </button>
          )}
        </>
      )}
    </>
  );
}

/** `/admin/audit-log`: who did what, to whom, when, in which request; filtered, paged and exported (administrators only). */
export function AuditLogPage() {
  const { t } = useTranslation();
  usePageTitle(t("auditLog.title"));
  const user = useCurrentUser();
  return (
    <div className="admin-page">
      <AdminNavigation />
      <h1 id="audit-log-title">{t("auditLog.title")}</h1>
      {user.role === "admin" ? (
        <>
          <p>{t("auditLog.intro")}</p>
          <AuditLogSection timeZone={user.timeZone} />
        </>
      ) : (
        <p role="alert" className="alert alert-error">
          {t("admin.adminOnly")}
        </p>
      )}
    </div>
  );
}
