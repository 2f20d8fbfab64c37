import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useSearchParams } from "react-router";
import { ErrorAlert } from "../ui/error-alert";
import { usePageTitle } from "../ui/use-page-title";
import { DEMO_ACCOUNTS } from "./demo-accounts";
import { useDemoSignIn } from "./use-session-actions";
import { useSessionToken } from "./use-session-token";

/** Where to go after sign-in: the page that asked for it, never another site. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/agenda";
}

export function SignInPage() {
  const { t } = useTranslation();
  usePageTitle(t("signIn.title"));
  const [params] = useSearchParams();
  const token = useSessionToken();
  const signIn = useDemoSignIn();
  const [email, setEmail] = useState("");
  const emailId = useId();

  if (token) return <Navigate to={safeNext(params.get("next"))} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email });
  };

  return (
    <div className="narrow-page">
      <h1>{t("signIn.title")}</h1>
      <p>{t("signIn.intro")}</p>
      <ErrorAlert error={signIn.error} />
      <form onSubmit={submit} className="form">
        <div className="field">
          <label htmlFor={emailId}>{t("signIn.email")}</label>
          <input
            id={emailId}
            type="email"
            required
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <button type="submit" disabled={signIn.isPending}>
          {t("signIn.submit")}
        </button>
      </form>
      <h2>{t("signIn.demoAccounts")}</h2>
      <ul className="demo-accounts">
        {DEMO_ACCOUNTS.map((account) => (
          <li key={account.email}>
            <button
              type="button"
              className="button-secondary"
              disabled={signIn.isPending}
              onClick={() => signIn.mutate({ email: account.email })}
            >
              {t("signIn.signInAs", { name: account.name, role: t(`roles.${account.role}`) })}
            </button>{" "}
            <code>{account.email}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
