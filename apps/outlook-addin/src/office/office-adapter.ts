import { FORMATION_ID_CUSTOM_PROPERTY } from "@agenda/addin-manifest/custom-properties";

/**
 * Every call the taskpane makes to Office.js, behind one interface: the UI never touches `Office.*`, and tests give
 * it a fake. Office's callback APIs are wrapped in promises here, once.
 */

/** What the taskpane is open on. */
export type OutlookItemKind = "appointment-compose" | "appointment-read" | "message-read" | "none";

/** A formation as it is written into an appointment being composed. */
export interface AppointmentFill {
  formationId: string;
  subject: string;
  start: Date;
  end: Date;
  location: string;
  /** HTML. */
  body: string;
}

/** The appointment open in read mode, as far as the taskpane needs it to recognise a formation. */
export interface AppointmentSummary {
  subject: string;
  start: Date | null;
  categories: string[];
  formationId: string | null;
}

export interface OfficeAdapter {
  itemKind(): OutlookItemKind;
  /** Outlook's display language (`fr-FR`, `en-US`…). */
  displayLanguage(): string;
  /** The mailbox owner's address. */
  mailboxAddress(): string;
  fillAppointment(fill: AppointmentFill): Promise<void>;
  readAppointment(): Promise<AppointmentSummary | null>;
  /** Called when a pinned taskpane moves to another item (or to none); the answer stops the calls. */
  onItemChanged(listener: () => void): () => void;
  /** Whether Outlook signs the add-in in itself (Nested App Authentication); otherwise it needs the sign-in dialog. */
  nestedAppAuthSupported(): boolean;
  /**
   * Opens `url` (same origin as the pane) in Office's dialog and answers the first message it sends with
   * `messageParent`, closing it then. Fails with an `OfficeDialogError` when the dialog cannot open or is closed.
   */
  openSignInDialog(url: string): Promise<string>;
}

/** Why an Office dialog gave no message: closed by the person, blocked, another one already open, or another failure. */
export type OfficeDialogFailure = "closed" | "blocked" | "already-open" | "failed";

/** Office's dialog error codes (`docs/develop/dialog-handle-errors-events.md`) as the reasons the taskpane tells apart. */
const DIALOG_FAILURES: Record<number, OfficeDialogFailure> = {
  12006: "closed",
  12009: "blocked",
  12007: "already-open",
};

export class OfficeDialogError extends Error {
  override name = "OfficeDialogError";
  readonly reason: OfficeDialogFailure;
  constructor(readonly code: number) {
    super(`the Office dialog failed with ${code}`);
    this.reason = DIALOG_FAILURES[code] ?? "failed";
  }
}

/** How `Office.onReady` ended: in Outlook, in a plain browser (host null), or never within the wait. */
export type OfficeStart =
  { kind: "outlook"; adapter: OfficeAdapter } | { kind: "outside-office" } | { kind: "no-answer" };

/** office.js never settles `onReady` when it or one of its files is blocked (office-js #6040): wait this long. */
export const OFFICE_READY_TIMEOUT_MS = 10_000;

type OfficeApi = typeof Office;

function settle<T>(run: (callback: (result: Office.AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    run((result) => {
      // The enum's value, not `Office.AsyncResultStatus`: this module reads no global.
      if (String(result.status) === "failed") reject(new Error(result.error.message));
      else resolve(result.value);
    });
  });
}

/** Office's `Time`, `Subject`… read with `getAsync` in compose mode, plain values in read mode. */
const isCompose = (item: Office.Item): boolean =>
  typeof (item as Office.AppointmentCompose).subject?.setAsync === "function";

export function createOfficeAdapter(office: OfficeApi): OfficeAdapter {
  const mailbox = () => office.context.mailbox;
  const item = () => mailbox().item ?? null;
  const customProperties = (current: Office.AppointmentRead | Office.AppointmentCompose) =>
    settle<Office.CustomProperties>((done) => current.loadCustomPropertiesAsync(done));

  return {
    itemKind() {
      const current = item();
      if (!current) return "none";
      if (current.itemType === office.MailboxEnums.ItemType.Message) return "message-read";
      return isCompose(current) ? "appointment-compose" : "appointment-read";
    },
    displayLanguage: () => office.context.displayLanguage,
    mailboxAddress: () => mailbox().userProfile.emailAddress,
    async fillAppointment(fill) {
      const current = item();
      if (!current || !isCompose(current) || current.itemType !== office.MailboxEnums.ItemType.Appointment)
        throw new Error("no appointment is being composed");
      const appointment = current as Office.AppointmentCompose;
      await settle((done) => appointment.subject.setAsync(fill.subject.slice(0, 255), done));
      await settle((done) => appointment.start.setAsync(fill.start, done));
      await settle((done) => appointment.end.setAsync(fill.end, done));
      await settle((done) => appointment.location.setAsync(fill.location.slice(0, 255), done));
      await settle((done) => appointment.body.setAsync(fill.body, { coercionType: office.CoercionType.Html }, done));
      const properties = await customProperties(appointment);
      properties.set(FORMATION_ID_CUSTOM_PROPERTY, fill.formationId);
      await settle((done) => properties.saveAsync(done));
    },
    async readAppointment() {
      const current = item();
      if (!current || isCompose(current) || current.itemType !== office.MailboxEnums.ItemType.Appointment) return null;
      const appointment = current as Office.AppointmentRead;
      const properties = await customProperties(appointment);
      const formationId: unknown = properties.get(FORMATION_ID_CUSTOM_PROPERTY);
      const categories = appointment.categories
        ? await settle<Office.CategoryDetails[]>((done) => appointment.categories.getAsync(done))
        : [];
      return {
        subject: appointment.subject,
        start: appointment.start ?? null,
        categories: categories.map(({ displayName }) => displayName),
        formationId: typeof formationId === "string" && formationId ? formationId : null,
      };
    },
    onItemChanged(listener) {
      mailbox().addHandlerAsync(office.EventType.ItemChanged, listener);
      return () => mailbox().removeHandlerAsync(office.EventType.ItemChanged);
    },
    nestedAppAuthSupported: () => office.context.requirements.isSetSupported("NestedAppAuth", "1.1"),
    openSignInDialog(url) {
      const expectedOrigin = new URL(url, globalThis.location?.href).origin;
      return new Promise((resolve, reject) => {
        // The dialog's own size: a percentage of the screen, with room for Microsoft's sign-in page.
        office.context.ui.displayDialogAsync(url, { height: 60, width: 30 }, (result) => {
          if (String(result.status) === "failed") {
            reject(new OfficeDialogError(result.error.code));
            return;
          }
          const dialog = result.value;
          dialog.addEventHandler(office.EventType.DialogMessageReceived, (args) => {
            // Only our own page may answer: a dialog that navigated elsewhere could post anything (DialogOrigin 1.1).
            if (!("message" in args) || (args.origin !== undefined && args.origin !== expectedOrigin)) return;
            dialog.close();
            resolve(args.message);
          });
          dialog.addEventHandler(office.EventType.DialogEventReceived, (args) => {
            if ("error" in args) reject(new OfficeDialogError(args.error));
          });
        });
      });
    },
  };
}

/**
 * Waits for office.js. Outside Office it answers at once with no host; when office.js or a file it loads is blocked,
 * it never answers, hence the timeout.
 */
export function startOffice(office: OfficeApi | undefined, timeoutMs = OFFICE_READY_TIMEOUT_MS): Promise<OfficeStart> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: "no-answer" }), timeoutMs);
    if (typeof office?.onReady !== "function") return;
    void office.onReady((info) => {
      clearTimeout(timer);
      resolve(
        info.host === office.HostType.Outlook
          ? { kind: "outlook", adapter: createOfficeAdapter(office) }
          : { kind: "outside-office" },
      );
    });
  });
}

/** Office as the sign-in dialog's page sees it: Outlook's language, and the way back to the pane. */
export interface DialogHost {
  displayLanguage(): string;
  /** Sends the dialog's answer to the pane that opened it (`Office.context.ui.messageParent`). */
  messageParent(message: string): void;
}

/** Waits for office.js in the sign-in dialog; null when Office never answers, as for the pane. */
export function startDialogHost(
  office: OfficeApi | undefined,
  timeoutMs = OFFICE_READY_TIMEOUT_MS,
): Promise<DialogHost | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    if (typeof office?.onReady !== "function") return;
    void office.onReady(() => {
      clearTimeout(timer);
      resolve({
        displayLanguage: () => office.context.displayLanguage,
        messageParent: (message) => office.context.ui.messageParent(message),
      });
    });
  });
}
