import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useParams } from "react-router";
import type { RouterOutputs } from "../api/trpc";
import { useCurrentUser } from "../session/current-user";
import { ErrorAlert } from "../ui/error-alert";
import { usePageTitle } from "../ui/use-page-title";
import { CancelFormationDialog } from "./cancel-formation-dialog";
import { CancellationNotice, FormationDetail } from "./formation-detail";
import { FormationForm } from "./formation-form";
import {
  browserTimeZone,
  formValuesFromFormation,
  newFormationValues,
  statusChangeFields,
  type FormationUpsertFields,
} from "./formation-form-values";
import { useFormation, useUpsertFormation } from "./use-planning";

type Formation = RouterOutputs["formations"]["get"];

/** `/planning/new` and `/planning/:id`: planners edit, anyone else who may see the formation reads it. */
export function FormationPage() {
  const { id } = useParams();
  const { role } = useCurrentUser();
  if (id === "new") return role === "learner" ? <Navigate to="/agenda" replace /> : <NewFormation />;
  return <ExistingFormation id={id} />;
}

function BackToPlanning() {
  const { t } = useTranslation();
  return (
    <p>
      <Link to="/planning">{t("planning.backToList")}</Link>
    </p>
  );
}

function NewFormation() {
  const { t } = useTranslation();
  usePageTitle(t("planning.createTitle"));
  const navigate = useNavigate();
  const upsert = useUpsertFormation();
  const [initialValues] = useState(() => newFormationValues(new Date(), browserTimeZone()));
  const save = (fields: FormationUpsertFields) =>
    upsert.mutate(fields, {
      onSuccess: (formation) => void navigate(`/planning/${formation.id}`),
    });
  return (
    <div className="narrow-page planning-form-page">
      <BackToPlanning />
      <h1>{t("planning.createTitle")}</h1>
      <FormationForm initialValues={initialValues} saving={upsert.isPending} saveError={upsert.error} onSave={save} />
    </div>
  );
}

function ExistingFormation({ id }: { id: string | undefined }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const formation = useFormation(id);
  if (formation.error)
    return (
      <div className="narrow-page">
        <BackToPlanning />
        <ErrorAlert error={formation.error} />
      </div>
    );
  if (!formation.data) return <p role="status">{t("app.loading")}</p>;
  // Only who plans it sees its learners (its trainer, admins): anyone else, a trainer enrolled as learner too, reads.
  if (user.role === "learner" || formation.data.learners === null)
    return <FormationReadOnly formation={formation.data} timeZone={user.timeZone} />;
  return <FormationEditor formation={formation.data} />;
}

function FormationReadOnly({ formation, timeZone }: { formation: Formation; timeZone: string }) {
  usePageTitle(formation.title);
  return (
    <div className="narrow-page">
      <h1>{formation.title}</h1>
      <FormationDetail formation={formation} timeZone={timeZone} />
    </div>
  );
}

function FormationEditor({ formation: current }: { formation: Formation }) {
  const { t } = useTranslation();
  const upsert = useUpsertFormation();
  const statusChange = useUpsertFormation();
  const [cancelling, setCancelling] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  usePageTitle(t("planning.editTitle", { title: current.title }));

  const save = (fields: FormationUpsertFields) =>
    upsert.mutate(fields, { onSuccess: () => setNotice(t("planning.saved")) });
  const changeStatus = (status: "scheduled" | "cancelled", reason: string | null) => {
    const result = statusChangeFields(current, status, reason);
    if ("problems" in result) return;
    statusChange.mutate(result.fields, {
      onSuccess: () => {
        setCancelling(false);
        setNotice(status === "cancelled" ? t("planning.cancelledNotice") : t("planning.rescheduled"));
      },
    });
  };

  return (
    <div className="narrow-page planning-form-page">
      <BackToPlanning />
      <h1>{t("planning.editTitle", { title: current.title })}</h1>
      <div aria-live="polite">{notice && <p className="alert alert-success">{notice}</p>}</div>
      {current.status === "cancelled" && <CancellationNotice reason={current.cancellationReason} />}
      <FormationForm
        // A new form once the server answered: sessions it created get their ids, what it normalised shows.
        key={`${current.id}-${current.updatedAt}`}
        initialValues={formValuesFromFormation(current)}
        saving={upsert.isPending}
        saveError={upsert.error}
        onSave={save}
      />
      <section className="card" aria-labelledby="formation-status-title">
        <h2 id="formation-status-title">
          {current.status === "cancelled" ? t("planning.reschedule") : t("planning.cancel")}
        </h2>
        <ErrorAlert error={cancelling ? null : statusChange.error} />
        {current.status === "cancelled" ? (
          <button
            type="button"
            className="button-secondary"
            disabled={statusChange.isPending}
            onClick={() => changeStatus("scheduled", null)}
          >
            {t("planning.reschedule")}
          </button>
        ) : (
          <button type="button" className="button-danger" onClick={() => setCancelling(true)}>
            {t("planning.cancel")}
          </button>
        )}
      </section>
      <CancelFormationDialog
        open={cancelling}
        title={current.title}
        cancelling={statusChange.isPending}
        error={statusChange.error}
        onConfirm={(reason) => changeStatus("cancelled", reason)}
        onClose={() => setCancelling(false)}
      />
    </div>
  );
}
