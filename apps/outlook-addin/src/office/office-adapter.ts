/**
 * Every call the taskpane makes to Office.js, behind one interface: the UI never touches `Office.*`, and tests give
 * it a fake. Office's callback APIs are wrapped in promises here, once.
 */

/** The custom property (Mailbox 1.1) that tags an appointment with the formation it was filled with. */
export const FORMATION_ID_PROPERTY = "agendaFormationId";

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
  /** Called when a pinned taskpane moves to another item (or to none). */
  onItemChanged(listener: () => void): void;
}

/** How `Office.onReady` ended: in Outlook, in a plain browser (host null), or never within the wait. */
export type OfficeStart = { kind: "outlook"; adapter: OfficeAdapter } | { kind: "outside-office" } | { kind: "no-answer" };

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
const isCompose = (item: Office.Item): boolean => typeof (item as Office.AppointmentCompose).subject?.setAsync === "function";

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
      if (!current || !isCompose(current) || current.itemType !== office.MailboxEnums.ItemType.Appointment) throw new Error("no appointment is being composed");
      const appointment = current as Office.AppointmentCompose;
      await settle((done) => appointment.subject.setAsync(fill.subject.slice(0, 255), done));
      await settle((done) => appointment.start.setAsync(fill.start, done));
      await settle((done) => appointment.end.setAsync(fill.end, done));
      await settle((done) => appointment.location.setAsync(fill.location.slice(0, 255), done));
      await settle((done) => appointment.body.setAsync(fill.body, { coercionType: office.CoercionType.Html }, done));
      const properties = await customProperties(appointment);
      properties.set(FORMATION_ID_PROPERTY, fill.formationId);
      await settle((done) => properties.saveAsync(done));
    },
    async readAppointment() {
      const current = item();
      if (!current || isCompose(current) || current.itemType !== office.MailboxEnums.ItemType.Appointment) return null;
      const appointment = current as Office.AppointmentRead;
      const properties = await customProperties(appointment);
      const formationId: unknown = properties.get(FORMATION_ID_PROPERTY);
      const categories = appointment.categories ? await settle<Office.CategoryDetails[]>((done) => appointment.categories.getAsync(done)) : [];
      return {
        subject: appointment.subject,
        start: appointment.start ?? null,
        categories: categories.map(({ displayName }) => displayName),
        formationId: typeof formationId === "string" && formationId ? formationId : null,
      };
    },
    onItemChanged(listener) {
      mailbox().addHandlerAsync(office.EventType.ItemChanged, listener);
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
      resolve(info.host === office.HostType.Outlook ? { kind: "outlook", adapter: createOfficeAdapter(office) } : { kind: "outside-office" });
    });
  });
}
