// Small preferences kept in cookies (docs/dashboard.md §The page): the chosen maglevd tab and which frontend
// cards are open. Cookies rather than localStorage so /view/ and /admin/ on one host share them.

const YEAR_S = 365 * 24 * 3600;

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function writeCookie(name: string, value: string): void {
  document.cookie = `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${YEAR_S}; SameSite=Lax`;
}

export function readSet(name: string): Set<string> {
  try {
    const parsed: unknown = JSON.parse(readCookie(name) ?? '[]');
    return new Set(Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function writeSet(name: string, value: Set<string>): void {
  writeCookie(name, JSON.stringify([...value]));
}
