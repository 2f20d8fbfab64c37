import { Text } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { useTranslation } from "../i18n/i18n";
import { formationById, formationsInOutlook, useApiQuery } from "../api/api-provider";
import type { AppointmentSummary, OfficeAdapter } from "../office/office-adapter";
import { formationOfAppointment } from "./formation-appointment";

function FormationDetails({ formationId, enrolled }: { formationId: string; enrolled: boolean }) {
  const { t, language } = useTranslation();
  const formation = useApiQuery(formationById(formationId));
  if (formation.status !== "success") return null;
  const { title, startsAt, endsAt, location, trainer, learnerCount, description } = formation.data;
  const format = new Intl.DateTimeFormat(language, { dateStyle: "full", timeStyle: "short" });
  return (
    <section aria-labelledby="current-heading" data-testid="current-formation">
      <Text as="h2" weight="semibold" id="current-heading">
        {`${t("current.heading")} : ${title}`}
      </Text>
      <p>{format.formatRange(new Date(startsAt), new Date(endsAt))}</p>
      {location && <p>{t("current.location", { location })}</p>}
      {trainer && <p>{t("current.trainer", { name: trainer.name })}</p>}
      <p>{t("current.learners", { count: learnerCount })}</p>
      {enrolled && <p>{t("current.enrolled")}</p>}
      {description && <p>{description}</p>}
    </section>
  );
}

/** On an appointment open in read mode that is a formation: that formation and the person's enrolment. */
export function CurrentFormation({ adapter }: { adapter: OfficeAdapter }) {
  const formations = useApiQuery(formationsInOutlook);
  const [appointment, setAppointment] = useState<AppointmentSummary | null>(null);
  useEffect(() => {
    let current = true;
    void adapter.readAppointment().then((read) => current && setAppointment(read));
    return () => {
      current = false;
    };
  }, [adapter]);
  if (!appointment) return null;
  const known = formations.status === "success" ? formations.data : [];
  const formationId = formationOfAppointment(appointment, known);
  if (!formationId) return null;
  const enrolled = known.some((formation) => formation.formationId === formationId);
  return <FormationDetails formationId={formationId} enrolled={enrolled} />;
}
