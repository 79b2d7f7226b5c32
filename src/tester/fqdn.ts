// The machine's fully-qualified name for the header, like `hostname -f`: the kernel's host name,
// and when that has no domain, the name its address resolves back to, if that name extends the
// short one. Never slows startup: the screen shows the short name until (and unless) the
// lookup answers within a deadline.

import dns from 'node:dns';
import os from 'node:os';

export interface NameResolver {
  lookup(hostname: string): Promise<string>;
  reverse(address: string): Promise<string>;
}

const systemResolver: NameResolver = {
  async lookup(hostname) {
    return (await dns.promises.lookup(hostname, { hints: dns.ADDRCONFIG })).address;
  },
  async reverse(address) {
    return (await dns.promises.lookupService(address, 0)).hostname;
  },
};

export const FQDN_DEADLINE_MS = 2_000;

/**
 * Resolves the FQDN of `hostname` (default os.hostname()); falls back to `hostname` itself on
 * any failure or after `deadlineMs`. A reverse name is only taken when it starts with
 * `<short>.`, because loopback addresses resolve back to `localhost`.
 */
export async function resolveFqdn(
  hostname = os.hostname(),
  resolver: NameResolver = systemResolver,
  deadlineMs = FQDN_DEADLINE_MS,
): Promise<string> {
  if (hostname.includes('.') || hostname === '') return hostname;
  const attempt = (async () => {
    const address = await resolver.lookup(hostname);
    const name = (await resolver.reverse(address)).replace(/\.$/, '');
    return name.toLowerCase().startsWith(`${hostname.toLowerCase()}.`) ? name : hostname;
  })().catch(() => hostname);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(hostname), deadlineMs);
  });
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
