// Turns the addon's errno-level failures into details an operator can act on: which namespace,
// which address, which capability or sysctl. These details end up in probe results (L4CON) and
// in the one start/reload error log, so they name the cause, not the system call.

import type { NativeError } from '../native/index.js';

export interface SocketContext {
  netns?: string | undefined;
  source?: string | undefined;
  kind?: 'tcp' | 'icmp';
}

export const PING_GROUP_RANGE_SYSCTL = 'net.ipv4.ping_group_range';

/** `netns "dp"` or `maglevd's own namespace`: where a socket was to be made. */
export function whereLabel(netns: string | undefined): string {
  return netns === undefined ? "maglevd's own namespace" : `netns "${netns}"`;
}

export function describeNativeError(
  err: Pick<NativeError, 'syscall' | 'code' | 'message'>,
  ctx: SocketContext,
): string {
  const where = whereLabel(ctx.netns);
  const netns = ctx.netns ?? '';
  switch (`${err.syscall} ${err.code}`) {
    case 'open ENOENT':
      return `netns "${netns}" not found (no /run/netns/${netns})`;
    case 'open EINVAL':
      return `invalid netns name "${netns}"`;
    case 'open EACCES':
    case 'open EPERM':
      return `open netns "${netns}": permission denied`;
    case 'setns EPERM':
      return `enter netns "${netns}": operation not permitted (needs CAP_SYS_ADMIN)`;
    case 'setns EINVAL':
      return `enter netns "${netns}": not a network namespace`;
    case 'socket EACCES':
      return ctx.kind === 'icmp'
        ? `ping socket not allowed: ${PING_GROUP_RANGE_SYSCTL} in ${where} excludes maglevd's groups`
        : `socket: permission denied in ${where}`;
    case 'socket EPERM':
      return `socket: operation not permitted in ${where} (needs CAP_NET_RAW)`;
    case 'bind EADDRNOTAVAIL':
      return `source address ${ctx.source ?? '?'} is not configured in ${where}`;
    case 'bind EINVAL':
      return `invalid source address ${ctx.source ?? '?'}`;
    default:
      return `${err.syscall} ${err.code} in ${where}: ${err.message}`;
  }
}
