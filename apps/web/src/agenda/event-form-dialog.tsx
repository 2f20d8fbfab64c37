import { useTranslation } from "react-i18next";
import { Dialog } from "../ui/dialog";
import { EventForm } from "./event-form";
import type { EventFields, EventFormValues } from "./event-form-values";

export type EventDraft =
  | { mode: "create"; values: EventFormValues }
  | { mode: "edit"; eventId: string; version: number; values: EventFormValues };

interface EventFormDialogProps {
  draft: EventDraft | null;
  timeZone: string;
  saving: boolean;
  saveError: unknown;
  onSave: (draft: EventDraft, fields: EventFields) => void;
  onClose: () => void;
}

export function EventFormDialog({ draft, timeZone, saving, saveError, onSave, onClose }: EventFormDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={draft !== null}
      title={draft?.mode === "edit" ? t("eventForm.editTitle") : t("eventForm.createTitle")}
      onClose={onClose}
    >
      {draft && (
        <EventForm
          initialValues={draft.values}
          timeZone={timeZone}
          saving={saving}
          saveError={saveError}
          onSave={(fields) => onSave(draft, fields)}
          onCancel={onClose}
        />
      )}
    </Dialog>
  );
}
