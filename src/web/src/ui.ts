// Page-wide UI signals: toasts (role=status) and the weight dialog's target. Admin actions go
// through run(), which reports the outcome both as a toast and in the event log.

import { createSignal } from 'solid-js';
import { logLocal } from './store.js';

export interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
export { toasts };
let nextToast = 1;

export function toast(kind: Toast['kind'], text: string): void {
  const id = nextToast++;
  setToasts((t) => [...t.slice(-4), { id, kind, text }]);
  window.setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 9000 : 5000);
}

export function dismissToast(id: number): void {
  setToasts((t) => t.filter((x) => x.id !== id));
}

export interface WeightTarget {
  maglevd: string;
  frontend: string;
  pool: string;
  backend: string;
  weight: number;
}

const [weightTarget, setWeightTarget] = createSignal<WeightTarget | undefined>();
export { weightTarget, setWeightTarget };

/** Runs an admin action, then says how it went (`outcome` turns the result into words). */
export async function run<T>(
  maglevd: string,
  what: string,
  action: () => Promise<T>,
  outcome: (result: T) => string = () => 'done',
): Promise<boolean> {
  try {
    const text = `${what}: ${outcome(await action())}`;
    toast('ok', text);
    logLocal(maglevd, 'info', 'admin-action', text);
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    toast('error', `${what}: ${message}`);
    logLocal(maglevd, 'error', 'admin-action', `${what}: ${message}`);
    return false;
  }
}
