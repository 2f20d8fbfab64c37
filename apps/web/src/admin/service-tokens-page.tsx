import { SERVICE_SCOPES, type ServiceScope } from "@agenda/domain/viewer";
import { DateTime } from "luxon";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ServiceTokenView } from "../api/trpc";
import { formatInstant } from "../format/date-format";
import { useCurrentUser } from "../session/current-user";
import { Dialog } from "../ui/dialog";
import { ErrorAlert } from "../ui/error-alert";
import { ScrollableTable } from "../ui/scrollable-table";
import { usePageTitle } from "../ui/use-page-title";
import { AdminNavigation } from "./admin-navigation";
import { useCreateServiceToken, useRevokeServiceToken, useServiceTokens } from "./use-service-tokens";

/** i18next reads `:` as a namespace separator: scope names are looked up with `_` instead. */
const scopeKey = (scope: ServiceScope) =>
  scope.replace(":", "_") as "formations_read" | "formations_write" | "users_write";

function CreatedToken({ name, token }: { name: string; token: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="alert alert-success created-token">
      <p>{t("serviceTokens.created", { name })}</p>
      <div className="field">
        <label htmlFor="created-token">{t("serviceTokens.tokenLabel")}</label>
        <input id="created-token" readOnly value={token} onFocus={(event) => event.target.select()} />
      </div>
      <button
        type="button"
        className="button-secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(token).then(() => setCopied(true));
        }}
      >
        {copied ? t("serviceTokens.copied") : t("serviceTokens.copy")}
      </button>
    </div>
  );
}

function CreateTokenForm({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const create = useCreateServiceToken();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ServiceScope[]>([]);
  const [expires, setExpires] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The end of the chosen day, in the admin's time zone.
    const expiresAt = expires
      ? (DateTime.fromISO(expires, { zone: timeZone }).endOf("day").toISO() ?? undefined)
      : undefined;
    create.mutate({ name, scopes, ...(expiresAt ? { expiresAt } : {}) }, { onSuccess: () => setName("") });
  };
  return (
    <section aria-labelledby="create-token-title" className="admin-section">
      <h2 id="create-token-title">{t("serviceTokens.createTitle")}</h2>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="token-name">{t("serviceTokens.name")}</label>
          <input
            id="token-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            maxLength={64}
            aria-describedby="token-name-hint"
          />
          <span id="token-name-hint" className="hint">
            {t("serviceTokens.nameHint")}
          </span>
        </div>
        <fieldset className="fieldset">
          <legend>{t("serviceTokens.scopes")}</legend>
          {SERVICE_SCOPES.map((scope) => (
            <div className="field field-inline" key={scope}>
              <input
                id={`scope-${scope}`}
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) =>
                  setScopes(event.target.checked ? [...scopes, scope] : scopes.filter((kept) => kept !== scope))
                }
              />
              <label htmlFor={`scope-${scope}`}>
                <code>{scope}</code> — {t(`serviceTokens.scopeNames.${scopeKey(scope)}`)}
              </label>
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="token-expires">{t("serviceTokens.expiresAt")}</label>
          <input id="token-expires" type="date" value={expires} onChange={(event) => setExpires(event.target.value)} />
        </div>
        <div>
          <button type="submit" disabled={create.isPending}>
            {t("serviceTokens.create")}
          </button>
        </div>
      </form>
      <ErrorAlert error={create.error} />
      {create.data && <CreatedToken name={create.data.serviceToken.name} token={create.data.token} />}
    </section>
  );
}

function TokensTable({ timeZone }: { timeZone: string }) {
  const { t, i18n } = useTranslation();
  const tokens = useServiceTokens();
  const revoke = useRevokeServiceToken();
  const [confirming, setConfirming] = useState<ServiceTokenView | null>(null);
  const when = (instant: string | null, none: string) =>
    instant ? formatInstant(instant, i18n.language, timeZone) : none;
  if (tokens.isPending) return <p role="status">{t("app.loading")}</p>;
  if (tokens.error) return <ErrorAlert error={tokens.error} />;
  return (
    <section aria-labelledby="tokens-title" className="admin-section">
      <h2 id="tokens-title">{t("serviceTokens.listTitle")}</h2>
      <p role="status" className={revoke.isSuccess ? "alert alert-success" : undefined}>
        {revoke.isSuccess ? t("serviceTokens.revoked", { name: revoke.data.name }) : ""}
      </p>
      {tokens.data.length === 0 ? (
        <p>{t("serviceTokens.empty")}</p>
      ) : (
        <ScrollableTable
          labelledBy="tokens-title"
          columns={[
            t("serviceTokens.columns.name"),
            t("serviceTokens.columns.scopes"),
            t("serviceTokens.columns.status"),
            t("serviceTokens.columns.created"),
            t("serviceTokens.columns.lastUsed"),
            t("serviceTokens.columns.expires"),
            t("serviceTokens.columns.action"),
          ]}
        >
          {tokens.data.map((token) => (
            <tr key={token.id}>
              <th scope="row">{token.name}</th>
              <td>{token.scopes.join(", ") || "—"}</td>
              <td>
                <span className={`status-badge token-${token.status}`}>
                  {t(`serviceTokens.status.${token.status}`)}
                </span>
              </td>
              <td>{when(token.createdAt, "—")}</td>
              <td>{when(token.lastUsedAt, t("serviceTokens.never"))}</td>
              <td>{token.revokedAt ? when(token.revokedAt, "—") : when(token.expiresAt, t("serviceTokens.never"))}</td>
              <td>
                {token.status !== "revoked" && (
                  <button type="button" className="button-secondary" onClick={() => setConfirming(token)}>
                    {t("serviceTokens.revoke")}
                    <span className="visually-hidden">{t("app.actionTarget", { target: token.name })}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </ScrollableTable>
      )}
      <Dialog
        open={confirming !== null}
        title={t("serviceTokens.revokeTitle", { name: confirming?.name ?? "" })}
        onClose={() => setConfirming(null)}
      >
        <p>{t("serviceTokens.revokeBody")}</p>
        <ErrorAlert error={revoke.error} />
        <div className="dialog-actions">
          <button
            type="button"
            className="button-danger"
            disabled={revoke.isPending}
            onClick={() => confirming && revoke.mutate({ id: confirming.id }, { onSuccess: () => setConfirming(null) })}
          >
            {t("serviceTokens.confirmRevoke")}
          </button>
          <button type="button" className="button-secondary" onClick={() => setConfirming(null)}>
            {t("serviceTokens.cancel")}
          </button>
        </div>
      </Dialog>
    </section>
  );
}

/** `/admin/service-tokens`: the tokens other internal apps call with; created (shown once) and revoked here. */
export function ServiceTokensPage() {
  const { t } = useTranslation();
  usePageTitle(t("serviceTokens.title"));
  const user = useCurrentUser();
  return (
    <div className="admin-page">
      <AdminNavigation />
      <h1>{t("serviceTokens.title")}</h1>
      {user.role === "admin" ? (
        <>
          <p>{t("serviceTokens.intro")}</p>
          <CreateTokenForm timeZone={user.timeZone} />
          <TokensTable timeZone={user.timeZone} />
        </>
      ) : (
        <p role="alert" className="alert alert-error">
          {t("admin.adminOnly")}
        </p>
      )}
    </div>
  );
}
