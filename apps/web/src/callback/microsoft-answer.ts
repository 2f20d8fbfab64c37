/** What Microsoft's redirect carries in the query string, as `integrations.outlook.callback` takes it. */
export function microsoftAnswer(
  query: URLSearchParams,
): { state: string; code?: string; error?: string; errorDescription?: string } | null {
  const state = query.get("state");
  if (!state) return null;
  const optional = (name: string) => query.get(name) ?? undefined;
  return { state, code: optional("code"), error: optional("error"), errorDescription: optional("error_description") };
}
