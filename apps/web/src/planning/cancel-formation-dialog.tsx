import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../ui/dialog";
import { ErrorAlert } from "../ui/error-alert";
import { MAX_CANCELLATION_REASON } from "./formation-form-values";

interface CancelFormationDialogProps {
  open: boolean;
  title: string;
  cancelling: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}

/** Asks for the reason participants will read, before cancelling. */
export function CancelFormationDialog({
  open,
  title,
  cancelling,
  error,
  onConfirm,
  onClose,
}: CancelFormationDialogProps) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) onConfirm(reason.trim());
  };
  return (
    <Dialog open={open} title={t("planning.cancelTitle", { title })} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <p>{t("planning.cancelIntro")}</p>
        <div className="field">
          <label htmlFor={`${id}-reason`}>{t("planning.cancelReason")}</label>
          <textarea
            id={`${id}-reason`}
            rows={3}
            required
            maxLength={MAX_CANCELLATION_REASON}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
        <ErrorAlert error={error} />
        <div className="dialog-actions">
          <button type="submit" className="button-danger" disabled={cancelling}>
            {t("planning.confirmCancel")}
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            {t("planning.keep")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
