// The page's HTTP calls: the state for hydration, and the admin actions (JSON POSTs; the
// browser adds the basic-auth credentials it was given for /admin/).

import type {
  AdminResultJson,
  BackendAction,
  ChangePreviewJson,
  DashboardStateJson,
  SetWeightBody,
  SyncBody,
} from '../../frontend/wire.js';
import { adminApi, viewApi } from './paths.js';

export async function fetchState(): Promise<DashboardStateJson> {
  const res = await fetch(new URL('state', viewApi), { cache: 'no-store' });
  if (!res.ok) throw new Error(`state: HTTP ${res.status}`);
  return (await res.json()) as DashboardStateJson;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(path, adminApi), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  let parsed: AdminResultJson<T> | undefined;
  try {
    parsed = (await res.json()) as AdminResultJson<T>;
  } catch {
    parsed = undefined;
  }
  if (!parsed) throw new Error(`HTTP ${res.status}`);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.result;
}

const seg = encodeURIComponent;

export function backendAction(maglevd: string, backend: string, action: BackendAction): Promise<unknown> {
  return post(`maglevds/${seg(maglevd)}/backends/${seg(backend)}/${action}`, {});
}

export function setWeight(
  maglevd: string,
  frontend: string,
  pool: string,
  backend: string,
  body: SetWeightBody,
): Promise<unknown> {
  return post(
    `maglevds/${seg(maglevd)}/frontends/${seg(frontend)}/pools/${seg(pool)}/backends/${seg(backend)}/weight`,
    body,
  );
}

/** What the weight change would do; maglevd changes nothing. */
export function previewWeight(
  maglevd: string,
  frontend: string,
  pool: string,
  backend: string,
  body: SetWeightBody,
): Promise<ChangePreviewJson> {
  return post(
    `maglevds/${seg(maglevd)}/frontends/${seg(frontend)}/pools/${seg(pool)}/backends/${seg(backend)}/weight/preview`,
    body,
  );
}

export function syncVpp(maglevd: string, body: SyncBody): Promise<Record<string, number>> {
  return post(`maglevds/${seg(maglevd)}/vpp/sync`, body);
}

export function reloadConfig(
  maglevd: string,
): Promise<{ ok: boolean; parseError?: string; semanticError?: string; applyError?: string }> {
  return post(`maglevds/${seg(maglevd)}/config/reload`, {});
}
