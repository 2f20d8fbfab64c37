/**
 * The platform session token, kept in localStorage so a reload or the Outlook redirect keeps the user signed in.
 * Components read it through `useSessionToken`, which re-renders them when it changes (here or in another tab).
 */
const STORAGE_KEY = "agenda.session-token";
const listeners = new Set<() => void>();

export function readSessionToken(): string | null {
  return localStorage.getItem(STORAGE_KEY);
}

export function storeSessionToken(token: string | null): void {
  if (token) localStorage.setItem(STORAGE_KEY, token);
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

export function subscribeToSessionToken(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}
