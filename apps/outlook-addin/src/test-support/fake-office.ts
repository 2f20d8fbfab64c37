/** What the taskpane is open on, in the fake host. */
export interface FakeItem {
  kind: "appointment-compose" | "appointment-read" | "message-read";
  subject?: string;
  /** ISO. */
  start?: string;
  categories?: string[];
  customProperties?: Record<string, string>;
}

/**
 * What `displayDialogAsync` does: open the page in a real window, whose own fake Office answers through
 * `messageParent` (end-to-end tests); or, for unit tests, send `messages` in order, end with Office's dialog `event` code
 * (12006: closed by the person), or refuse to open with an error `code` (12009: blocked, 12007: one already open).
 */
export type FakeDialog =
  | { kind: "window" }
  | { kind: "messages"; messages: Array<{ message: string; origin?: string }> }
  | { kind: "event"; code: number }
  | { kind: "refused"; code: number };

export interface FakeOfficeOptions {
  /** "Outlook", or null as office.js answers in a plain browser. */
  host: "Outlook" | null;
  /** False: `onReady` never answers, as when office.js's host files are blocked. */
  answers: boolean;
  item: FakeItem | null;
  displayLanguage: string;
  emailAddress: string;
  /** Whether the host offers Nested App Authentication (NestedAppAuth 1.1); it does unless told. */
  nestedAppAuth?: boolean;
  /** The sign-in dialog's behaviour; a real window unless told. */
  dialog?: FakeDialog;
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
  type Callback = (result: { status: string; value?: unknown; error?: { code: number; message: string } }) => void;
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
        ? {
            itemType,
            subject: field("subject"),
            start: field("start"),
            end: field("end"),
            location: field("location"),
            body: field("body"),
            loadCustomPropertiesAsync,
          }
        : {
            itemType,
            subject: source.subject ?? "",
            start: source.start ? new Date(source.start) : undefined,
            categories: {
              getAsync: (callback: Callback) =>
                callback(
                  succeeded((source.categories ?? []).map((displayName) => ({ displayName, color: "Preset0" }))),
                ),
            },
            loadCustomPropertiesAsync,
          };
  }
  type DialogHandler = (args: { message: string; origin: string | undefined } | { error: number }) => void;
  const dialogHandlers: Record<string, DialogHandler> = {};
  // A closed dialog sends nothing more.
  let dialogOpen = true;
  const dialog = {
    addEventHandler: (eventType: string, handler: DialogHandler) => (dialogHandlers[eventType] = handler),
    close: () => {
      dialogOpen = false;
      calls.push({ method: "dialog.close", value: null });
    },
    messageChild: () => undefined,
  };
  const messageEvent = "dialogMessageReceived";
  const closingEvent = "dialogEventReceived";
  /** The dialog page in a window of its own, which posts `messageParent`'s messages back here, and its closing. */
  const openDialogWindow = (url: string, callback: Callback) => {
    const child = window.open(url, "_blank", "popup,width=480,height=640");
    if (!child) return callback({ status: "failed", error: { code: 12009, message: "The dialog was blocked." } });
    let closedByAddin = false;
    const relay = (event: MessageEvent<{ fakeOfficeDialogMessage?: unknown }>) => {
      const message = event.data?.fakeOfficeDialogMessage;
      if (event.source === child && typeof message === "string")
        dialogHandlers[messageEvent]?.({ message, origin: event.origin });
    };
    window.addEventListener("message", relay);
    const watch = setInterval(() => {
      if (!child.closed) return;
      clearInterval(watch);
      window.removeEventListener("message", relay);
      if (!closedByAddin) dialogHandlers[closingEvent]?.({ error: 12006 });
    }, 100);
    callback(
      succeeded({
        ...dialog,
        close: () => {
          closedByAddin = true;
          dialog.close();
          child.close();
        },
      }),
    );
  };
  const displayDialogAsync = (url: string, _options: unknown, callback: Callback) => {
    calls.push({ method: "ui.displayDialogAsync", value: url });
    dialogOpen = true;
    const behaviour = options.dialog ?? { kind: "window" };
    if (behaviour.kind === "window") return openDialogWindow(url, callback);
    if (behaviour.kind === "refused")
      return callback({ status: "failed", error: { code: behaviour.code, message: "refused" } });
    callback(succeeded(dialog));
    setTimeout(() => {
      if (behaviour.kind === "messages") {
        for (const { message, origin } of behaviour.messages)
          if (dialogOpen) dialogHandlers[messageEvent]?.({ message, origin: origin ?? location.origin });
      } else dialogHandlers[closingEvent]?.({ error: behaviour.code });
    }, 0);
  };
  /** In the dialog page: the message goes to the pane that opened it, as Office relays it. */
  const messageParent = (message: string) => {
    calls.push({ method: "ui.messageParent", value: message });
    (window.opener as Window | null)?.postMessage({ fakeOfficeDialogMessage: message }, location.origin);
  };
  const office = {
    __calls: calls,
    HostType: { Outlook: "Outlook" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Html: "html", Text: "text" },
    EventType: {
      ItemChanged: "olkItemSelectedChanged",
      DialogMessageReceived: messageEvent,
      DialogEventReceived: closingEvent,
    },
    MailboxEnums: { ItemType: { Message: "message", Appointment: "appointment" } },
    context: {
      displayLanguage: options.displayLanguage,
      mailbox: {
        item,
        userProfile: { emailAddress: options.emailAddress, displayName: options.emailAddress },
        addHandlerAsync: (eventType: string) => calls.push({ method: "mailbox.addHandlerAsync", value: eventType }),
        removeHandlerAsync: (eventType: string) =>
          calls.push({ method: "mailbox.removeHandlerAsync", value: eventType }),
      },
      requirements: { isSetSupported: (name: string) => name !== "NestedAppAuth" || options.nestedAppAuth !== false },
      ui: { displayDialogAsync, messageParent },
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
