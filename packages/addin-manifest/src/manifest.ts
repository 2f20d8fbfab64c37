/** Outlook surfaces a ribbon button can sit on (docs: ExtensionPoint `xsi:type` values for Outlook). */
export const EXTENSION_POINT_TYPES = [
  "MessageReadCommandSurface",
  "MessageComposeCommandSurface",
  "AppointmentOrganizerCommandSurface",
  "AppointmentAttendeeCommandSurface",
  "MobileMessageReadCommandSurface",
  "MobileOnlineMeetingCommandSurface",
  "MobileLogEventAppointmentAttendee",
  "LaunchEvent",
] as const;
export type ExtensionPointType = (typeof EXTENSION_POINT_TYPES)[number];

export const PERMISSIONS = ["Restricted", "ReadItem", "ReadWriteItem", "ReadWriteMailbox"] as const;

/** A text in the default locale, with its translations. */
export interface LocalizedText {
  default: string;
  overrides: Record<string, string>;
}

/** A button that opens the taskpane, on each of its surfaces. */
export interface TaskpaneButton {
  surfaces: ExtensionPointType[];
  groupLabel: LocalizedText;
  label: LocalizedText;
  tooltipTitle: LocalizedText;
  tooltipDescription: LocalizedText;
  /** Lets the person pin the pane so it follows the selection (needs Mailbox 1.5, so VersionOverrides 1.1). */
  supportsPinning: boolean;
}

/** What an Outlook add-in's classic XML manifest says, typed; `renderManifest` writes it in the XSD's order. */
export interface AddinManifest {
  id: string;
  version: string;
  providerName: string;
  defaultLocale: string;
  displayName: LocalizedText;
  description: LocalizedText;
  /** The HTTPS origin serving the taskpane and the icons. */
  origin: string;
  taskpanePath: string;
  /** Path of the icon of a size (16, 32, 64, 80, 128 px). */
  iconPath: (size: number) => string;
  supportPath: string;
  permissions: (typeof PERMISSIONS)[number];
  /** Mailbox requirement set of the whole add-in (top level): the lowest the add-in can run with. */
  minimumMailbox: string;
  /** Mailbox requirement set of the commands (VersionOverrides 1.1). */
  commandsMailbox: string;
  button: TaskpaneButton;
}

/** The add-in's fixed identity: Outlook keys installs and caches on it (another deployment may pass its own). */
export const AGENDA_ADDIN_ID = "59c22580-cf00-4b32-a658-0a3f6f1f5b24";

/** The origin the committed manifest.xml points at: the local product, put behind HTTPS for sideloading. */
export const DEMO_ORIGIN = "https://localhost:3000";

/** Agenda's add-in: one button opening the taskpane on appointments (organizer and attendee) and on read messages. */
export function agendaManifest(origin: string, id = AGENDA_ADDIN_ID): AddinManifest {
  return {
    id,
    version: "1.0.0.0",
    providerName: "Agenda",
    defaultLocale: "en-US",
    displayName: { default: "Agenda", overrides: { "fr-FR": "Agenda" } },
    description: {
      default:
        "Your formations in Outlook: add them to your calendar, fill an appointment with one, see your sync status.",
      overrides: {
        "fr-FR":
          "Vos formations dans Outlook : ajoutez-les à votre calendrier, remplissez un rendez-vous, suivez la synchronisation.",
      },
    },
    origin: origin.replace(/\/+$/, ""),
    taskpanePath: "/addin/taskpane.html",
    iconPath: (size) => `/addin/assets/icon-${size}.png`,
    supportPath: "/",
    permissions: "ReadWriteItem",
    minimumMailbox: "1.1",
    // SupportsPinning and the ItemChanged event a pinned pane listens to both arrive with Mailbox 1.5.
    commandsMailbox: "1.5",
    button: {
      surfaces: [
        "AppointmentOrganizerCommandSurface",
        "AppointmentAttendeeCommandSurface",
        "MessageReadCommandSurface",
      ],
      groupLabel: { default: "Agenda", overrides: { "fr-FR": "Agenda" } },
      label: { default: "Formations", overrides: { "fr-FR": "Formations" } },
      tooltipTitle: { default: "Open Agenda", overrides: { "fr-FR": "Ouvrir Agenda" } },
      tooltipDescription: {
        default: "Shows your formations, adds one to your calendar or fills this appointment with it.",
        overrides: {
          "fr-FR": "Affiche vos formations, en ajoute une à votre calendrier ou en remplit ce rendez-vous.",
        },
      },
      supportsPinning: true,
    },
  };
}

const NAMESPACES = {
  office: "http://schemas.microsoft.com/office/appforoffice/1.1",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  bt: "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
  mailappor: "http://schemas.microsoft.com/office/mailappversionoverrides/1.0",
  overrides10: "http://schemas.microsoft.com/office/mailappversionoverrides",
  overrides11: "http://schemas.microsoft.com/office/mailappversionoverrides/1.1",
};

/** The short resource ids (at most 32 characters) the commands refer to. */
const RES = {
  icon: (size: number) => `Icon.${size}x${size}`,
  taskpaneUrl: "Taskpane.Url",
  groupLabel: "Group.Label",
  buttonLabel: "Button.Label",
  tooltipTitle: "Button.Tooltip.Title",
  tooltipDescription: "Button.Tooltip.Description",
};
const BUTTON_ICON_SIZES = [16, 32, 80];

/** The manifest as XML, elements in the order of the schemas (manifest-element-ordering.md). */
export function renderManifest(manifest: AddinManifest): string {
  const url = (path: string) => escapeXml(`${manifest.origin}${path}`);
  const overrides = (text: LocalizedText, indent: string, element = "Override") =>
    Object.entries(text.overrides)
      .map(([locale, value]) => `\n${indent}  <${element} Locale="${escapeXml(locale)}" Value="${escapeXml(value)}"/>`)
      .join("");
  const localized = (name: string, text: LocalizedText, indent: string) =>
    `${indent}<${name} DefaultValue="${escapeXml(text.default)}">${overrides(text, indent)}\n${indent}</${name}>`;
  const resourceString = (id: string, text: LocalizedText) =>
    `          <bt:String id="${id}" DefaultValue="${escapeXml(text.default)}">${overrides(text, "          ", "bt:Override")}\n          </bt:String>`;
  const { button } = manifest;

  const extensionPoints = button.surfaces.map((surface) => {
    const prefix = surface.replace("CommandSurface", "");
    return `            <ExtensionPoint xsi:type="${surface}">
              <OfficeTab id="TabDefault">
                <Group id="${prefix}.Group">
                  <Label resid="${RES.groupLabel}"/>
                  <Control xsi:type="Button" id="${prefix}.OpenTaskpane">
                    <Label resid="${RES.buttonLabel}"/>
                    <Supertip>
                      <Title resid="${RES.tooltipTitle}"/>
                      <Description resid="${RES.tooltipDescription}"/>
                    </Supertip>
                    <Icon>
${BUTTON_ICON_SIZES.map((size) => `                      <bt:Image size="${size}" resid="${RES.icon(size)}"/>`).join("\n")}
                    </Icon>
                    <Action xsi:type="ShowTaskpane">
                      <SourceLocation resid="${RES.taskpaneUrl}"/>${button.supportsPinning ? "\n                    <SupportsPinning>true</SupportsPinning>" : ""}
                    </Action>
                  </Control>
                </Group>
              </OfficeTab>
            </ExtensionPoint>`;
  });

  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by packages/addin-manifest (the root script "npm run manifest" with an origin): edit the description there, not this file. -->
<OfficeApp xmlns="${NAMESPACES.office}" xmlns:xsi="${NAMESPACES.xsi}" xmlns:bt="${NAMESPACES.bt}" xmlns:mailappor="${NAMESPACES.mailappor}" xsi:type="MailApp">
  <Id>${escapeXml(manifest.id)}</Id>
  <Version>${escapeXml(manifest.version)}</Version>
  <ProviderName>${escapeXml(manifest.providerName)}</ProviderName>
  <DefaultLocale>${escapeXml(manifest.defaultLocale)}</DefaultLocale>
${localized("DisplayName", manifest.displayName, "  ")}
${localized("Description", manifest.description, "  ")}
  <IconUrl DefaultValue="${url(manifest.iconPath(64))}"/>
  <HighResolutionIconUrl DefaultValue="${url(manifest.iconPath(128))}"/>
  <SupportUrl DefaultValue="${url(manifest.supportPath)}"/>
  <AppDomains>
    <AppDomain>${escapeXml(manifest.origin)}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Mailbox"/>
  </Hosts>
  <Requirements>
    <Sets>
      <Set Name="Mailbox" MinVersion="${escapeXml(manifest.minimumMailbox)}"/>
    </Sets>
  </Requirements>
  <!-- FormSettings and Rule keep the manifest valid; Outlook uses VersionOverrides when it understands them. -->
  <FormSettings>
    <Form xsi:type="ItemRead">
      <DesktopSettings>
        <SourceLocation DefaultValue="${url(manifest.taskpanePath)}"/>
        <RequestedHeight>250</RequestedHeight>
      </DesktopSettings>
    </Form>
  </FormSettings>
  <Permissions>${manifest.permissions}</Permissions>
  <Rule xsi:type="RuleCollection" Mode="Or">
    <Rule xsi:type="ItemIs" ItemType="Message" FormType="Read"/>
    <Rule xsi:type="ItemIs" ItemType="Appointment" FormType="Read"/>
  </Rule>
  <DisableEntityHighlighting>false</DisableEntityHighlighting>
  <VersionOverrides xmlns="${NAMESPACES.overrides10}" xsi:type="VersionOverridesV1_0">
    <VersionOverrides xmlns="${NAMESPACES.overrides11}" xsi:type="VersionOverridesV1_1">
      <Requirements>
        <bt:Sets DefaultMinVersion="${escapeXml(manifest.commandsMailbox)}">
          <bt:Set Name="Mailbox"/>
        </bt:Sets>
      </Requirements>
      <Hosts>
        <Host xsi:type="MailHost">
          <DesktopFormFactor>
${extensionPoints.join("\n")}
          </DesktopFormFactor>
        </Host>
      </Hosts>
      <Resources>
        <bt:Images>
${[...BUTTON_ICON_SIZES].map((size) => `          <bt:Image id="${RES.icon(size)}" DefaultValue="${url(manifest.iconPath(size))}"/>`).join("\n")}
        </bt:Images>
        <bt:Urls>
          <bt:Url id="${RES.taskpaneUrl}" DefaultValue="${url(manifest.taskpanePath)}"/>
        </bt:Urls>
        <bt:ShortStrings>
${resourceString(RES.groupLabel, button.groupLabel)}
${resourceString(RES.buttonLabel, button.label)}
${resourceString(RES.tooltipTitle, button.tooltipTitle)}
        </bt:ShortStrings>
        <bt:LongStrings>
${resourceString(RES.tooltipDescription, button.tooltipDescription)}
        </bt:LongStrings>
      </Resources>
    </VersionOverrides>
  </VersionOverrides>
</OfficeApp>
`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
