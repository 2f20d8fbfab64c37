/** What the taskpane is open on, in the fake host. */
export interface FakeItem {
  kind: "appointment-compose" | "appointment-read" | "message-read";
  subject?: string;
  /** ISO. */
  start?: string;
  categories?: string[];
  customProperties?: Record<string, string>;
}

export interface FakeOfficeOptions {
  /** "Outlook", or null as office.js answers in a plain browser. */
  host: "Outlook" | null;
  /** False: `onReady` never answers, as when office.js's host files are blocked. */
  answers: boolean;
  item: FakeItem | null;
  displayLanguage: string;
  emailAddress: string;
}

/** One call the taskpane made to the host: `subject.setAsync` with its value, `customProperties.saveAsync`… */
export interface OfficeCall {
  method: string;
  value: unknown;
}

export type FakeOffice = { __calls: OfficeCall[] } & Record<string, unknown>;

/**
 * A stand-in for office.js in Outlook, for the adapter's unit tests and, serialised with `toString`, for the
 * end-to-end tests' host (`page.addInitScript`): so it reads nothing from outside its own body. Every call the
 * taskpane makes is recorded in `__calls`.
 */
export function fakeOffice(options: FakeOfficeOptions): FakeOffice {
  const calls: OfficeCall[] = [];
  const succeeded = (value?: unknown) => ({ status: "succeeded", value });
  type Callback = (result: { status: string; value?: unknown }) => void;
  const lastArgument = (args: unknown[]) => args[args.length - 1] as Callback;
  const field = (name: string) => ({
    setAsync: (...args: unknown[]) => {
      calls.push({ method: `${name}.setAsync`, value: args[0] instanceof Date ? args[0].toISOString() : args[0] });
      lastArgument(args)(succeeded());
    },
  });
  const properties = { ...(options.item?.customProperties ?? {}) };
  const customProperties = {
    get: (key: string) => properties[key],
    set: (key: string, value: string) => {
      calls.push({ method: "customProperties.set", value: { [key]: value } });
      properties[key] = value;
    },
    remove: (key: string) => delete properties[key],
    saveAsync: (callback: Callback) => {
      calls.push({ method: "customProperties.saveAsync", value: { ...properties } });
      callback(succeeded());
    },
  };
  const source = options.item;
  let item: Record<string, unknown> | null = null;
  if (source) {
    const loadCustomPropertiesAsync = (callback: Callback) => callback(succeeded(customProperties));
    const itemType = source.kind === "message-read" ? "message" : "appointment";
    item =
      source.kind === "appointment-compose"
        ? { itemType, subject: field("subject"), start: field("start"), end: field("end"), location: field("location"), body: field("body"), loadCustomPropertiesAsync }
        : {
            itemType,
            subject: source.subject ?? "",
            start: source.start ? new Date(source.start) : undefined,
            categories: { getAsync: (callback: Callback) => callback(succeeded((source.categories ?? []).map((displayName) => ({ displayName, color: "Preset0" })))) },
            loadCustomPropertiesAsync,
          };
  }
  const office = {
    __calls: calls,
    HostType: { Outlook: "Outlook" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Html: "html", Text: "text" },
    EventType: { ItemChanged: "olkItemSelectedChanged" },
    MailboxEnums: { ItemType: { Message: "message", Appointment: "appointment" } },
    context: {
      displayLanguage: options.displayLanguage,
      mailbox: {
        item,
        userProfile: { emailAddress: options.emailAddress, displayName: options.emailAddress },
        addHandlerAsync: (eventType: string) => calls.push({ method: "mailbox.addHandlerAsync", value: eventType }),
      },
      requirements: { isSetSupported: () => true },
    },
    onReady: (callback?: (info: { host: string | null; platform: string | null }) => void) =>
      new Promise((resolve) => {
        if (!options.answers) return;
        const info = { host: options.host, platform: options.host ? "OfficeOnline" : null };
        setTimeout(() => {
          callback?.(info);
          resolve(info);
        }, 0);
      }),
  };
  return office;
}
