import { trpc, type Integration, type RouterInputs } from "../api/trpc";

export type SettingsChange = RouterInputs["integrations"]["outlook"]["updateSettings"];

/** The person's Outlook connection, or null when they never connected one. */
export function useOutlookIntegration() {
  const query = trpc.integrations.list.useQuery();
  const integration: Integration | null = query.data?.find(({ provider }) => provider === "outlook") ?? null;
  return { ...query, integration };
}

/** "Se connecter à Outlook": asks the server for Microsoft's sign-in URL, then leaves for it. */
export function useConnectOutlook() {
  return trpc.integrations.outlook.authUrl.useMutation({
    onSuccess: ({ url }) => window.location.assign(url),
  });
}

/** The connected account's Outlook calendars. */
export function useOutlookCalendars() {
  return trpc.integrations.outlook.calendars.useQuery();
}

/** Saves a settings change; the switches and boxes show it at once, and go back if the server refuses it. */
export function useUpdateOutlookSettings() {
  const utils = trpc.useUtils();
  const replaceOutlook = (replace: (integration: Integration) => Integration) =>
    utils.integrations.list.setData(undefined, (list) =>
      list?.map((item) => (item.provider === "outlook" ? replace(item) : item)),
    );
  return trpc.integrations.outlook.updateSettings.useMutation({
    onMutate: async ({ removeExportedCopies: _choice, ...settings }) => {
      await utils.integrations.list.cancel();
      const previous = utils.integrations.list.getData();
      replaceOutlook((integration) => ({ ...integration, settings: { ...integration.settings, ...settings } }));
      return { previous };
    },
    onError: (_error, _change, context) => utils.integrations.list.setData(undefined, context?.previous),
    onSuccess: async ({ cleanup, ...saved }) => {
      replaceOutlook(() => saved);
      // Events of calendars no longer imported left the agenda; formations moving change where they stand in Outlook.
      if (cleanup.importedEventsRemoved > 0) await utils.events.invalidate();
      if (cleanup.formationCopiesMoved > 0 || cleanup.formationCopiesToRemove > 0)
        await utils.sync.formations.invalidate();
    },
  });
}

export function useDisconnectOutlook() {
  const utils = trpc.useUtils();
  return trpc.integrations.outlook.disconnect.useMutation({
    // Imported Outlook events leave the agenda with the connection.
    onSuccess: () => Promise.all([utils.integrations.invalidate(), utils.events.invalidate()]),
  });
}

/** The Outlook callback page: hands Microsoft's answer to the server, which completes the connection. */
export function useCompleteOutlookConnection() {
  const utils = trpc.useUtils();
  return trpc.integrations.outlook.callback.useMutation({
    onSuccess: () => Promise.all([utils.integrations.invalidate(), utils.events.invalidate()]),
  });
}
