/** The token the web catalog sends, kept in this browser (localStorage) until forgotten. Requests
 * read it when they are made, so a change applies to the next request. */
const KEY = "catalog-token";

export function storedToken(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null; // storage refused (private mode, a sandbox): no token
  }
}

export function storeToken(token: string | null): void {
  if (token === null) window.localStorage.removeItem(KEY);
  else window.localStorage.setItem(KEY, token);
}

/** The header a request carries for `token`, if any. */
export function authorization(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}
