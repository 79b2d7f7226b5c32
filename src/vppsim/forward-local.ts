// Is an address one this host owns? The forwarder only ever binds those: all of 127.0.0.0/8 (Linux
// routes the whole block to lo), ::1, and whatever the interfaces carry right now.

import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';

function isLoopback(address: string): boolean {
  return isIPv4(address) ? address.startsWith('127.') : address === '::1';
}

/** True for loopback addresses and addresses configured on an interface (canonical text in). */
export function isLocalAddress(address: string): boolean {
  if (isLoopback(address)) return true;
  const wanted = address.toLowerCase();
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) if (info.address.toLowerCase() === wanted) return true;
  }
  return false;
}
