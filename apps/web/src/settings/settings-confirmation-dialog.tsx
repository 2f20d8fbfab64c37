import { useTranslation } from "react-i18next";
import { Dialog } from "../ui/dialog";
import type { SettingsConfirmation } from "./settings-confirmation";
import type { SettingsChange } from "./use-outlook-integration";

/** Asks before a settings change that takes events out of the agenda, or turns export off (keep or remove the copies). */
export function SettingsConfirmationDialog({
  confirmation,
  onConfirm,
  onClose,
}: {
  confirmation: SettingsConfirmation | null;
  onConfirm: (change: SettingsChange) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const title =
    confirmation?.kind === "disableExport" ? t("settingsCleanup.disableExportTitle") : t("settingsCleanup.removeTitle");
  return (
    <Dialog open={confirmation !== null} title={title} onClose={onClose}>
      {confirmation?.kind === "removeImported" && (
        <>
          <p>{t("settingsCleanup.removeBody", { count: confirmation.count })}</p>
          <div className="dialog-actions">
            <button type="button" className="button-danger" onClick={() => onConfirm(confirmation.change)}>
              {t("settingsCleanup.removeConfirm", { count: confirmation.count })}
            </button>
            <button type="button" className="button-secondary" onClick={onClose}>
              {t("settingsCleanup.cancel")}
            </button>
          </div>
        </>
      )}
      {confirmation?.kind === "disableExport" && (
        <>
          <p>{t("settingsCleanup.disableExportBody")}</p>
          <div className="dialog-actions">
            <button type="button" onClick={() => onConfirm({ ...confirmation.change, removeExportedCopies: false })}>
              {t("settingsCleanup.keepCopies")}
            </button>
            <button
              type="button"
              className="button-danger"
              onClick={() => onConfirm({ ...confirmation.change, removeExportedCopies: true })}
            >
              {t("settingsCleanup.removeCopies")}
            </button>
            <button type="button" className="button-secondary" onClick={onClose}>
              {t("settingsCleanup.cancel")}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
