import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useCompleteOutlookConnection } from "../settings/use-outlook-integration";
import { ErrorAlert } from "../ui/error-alert";
import { usePageTitle } from "../ui/use-page-title";
import { microsoftAnswer } from "./microsoft-answer";

/** Where Microsoft sends the person back: completes the connection and says how it went. */
export function OutlookCallbackPage() {
  const { t } = useTranslation();
  usePageTitle(t("callback.title"));
  const [query] = useSearchParams();
  const answer = microsoftAnswer(query);
  const complete = useCompleteOutlookConnection();
  // A state is good once: React's development double-run of effects must not spend it twice.
  const sent = useRef(false);

  useEffect(() => {
    if (!answer || sent.current) return;
    sent.current = true;
    complete.mutate(answer);
  }, [answer, complete]);

  return (
    <div className="narrow-page">
      <h1>{t("callback.title")}</h1>
      {!answer && (
        <p role="alert" className="alert alert-error">
          {t("callback.missingState")}
        </p>
      )}
      {answer && (complete.isIdle || complete.isPending) && <p role="status">{t("callback.working")}</p>}
      {complete.data && (
        <p role="status" className="alert alert-success">
          {t("callback.success", { account: complete.data.account.email })}
        </p>
      )}
      {complete.error !== null && (
        <div className="callback-failure">
          <p className="alert-heading">{t("callback.failure")}</p>
          <ErrorAlert error={complete.error} />
        </div>
      )}
      <p>
        <Link to="/agenda/settings">{t("callback.backToSettings")}</Link>
      </p>
    </div>
  );
}
