import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../ui/dialog";
import { ErrorAlert } from "../ui/error-alert";

interface DisconnectOutlookDialogProps {
  open: boolean;
  disconnecting: boolean;
  error: unknown;
  onConfirm: (options: { removeExportedFormations: boolean }) => void;
  onClose: () => void;
}

/** "Déconnecter": confirms, and asks whether the formations exported to Outlook should go too. */
export function DisconnectOutlookDialog({
  open,
  disconnecting,
  error,
  onConfirm,
  onClose,
}: DisconnectOutlookDialogProps) {
  const { t } = useTranslation();
  const [removeExportedFormations, setRemoveExportedFormations] = useState(false);
  return (
    <Dialog open={open} title={t("disconnect.title")} onClose={onClose}>
      <p>{t("disconnect.body")}</p>
      <div className="field field-inline">
        <input
          id="remove-exported-formations"
          type="checkbox"
          checked={removeExportedFormations}
          onChange={(event) => setRemoveExportedFormations(event.target.checked)}
        />
        <label htmlFor="remove-exported-formations">{t("disconnect.removeExported")}</label>
      </div>
      <ErrorAlert error={error} />
      <div className="dialog-actions">
        <button
          type="button"
          className="button-danger"
          disabled={disconnecting}
          onClick={() => onConfirm({ removeExportedFormations })}
        >
          {t("disconnect.confirm")}
        </button>
        <button type="button" className="button-secondary" onClick={onClose}>
          {t("disconnect.cancel")}
        </button>
      </div>
    </Dialog>
  );
}
