import { useTranslation } from "react-i18next";
import { apiErrorMessage } from "../api/api-error";

/** A failed request, said in the person's language; nothing when there is no error. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const described = apiErrorMessage(error);
  return (
    <p role="alert" className="alert alert-error">
      {"message" in described ? described.message : t(described.key)}
    </p>
  );
}
