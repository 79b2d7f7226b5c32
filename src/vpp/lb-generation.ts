// Which lb API generation a VPP speaks, read from its message table (docs/vpp-lb.md §Versions and detection):
// 1.2 (master after 2026-05, fixed handlers, weights) has lb_conf_get / lb_as_v2_dump /
// lb_add_del_as_v2; 1.1 (every release up to v26.06, with the byte-order and prefix-length quirks)
// has the lb messages without them. No lb messages at all: the plugin is not loaded.

import type { MessageTable } from './message-table.js';

export type LbGeneration = '1.1' | '1.2';

const GENERATION_1_2_MARKERS = [
  'lb_conf_get_51077d14',
  'lb_as_v2_dump_1063f819',
  'lb_add_del_as_v2_2f1d3b0e',
];

export function detectLbGeneration(table: MessageTable): LbGeneration | undefined {
  if (GENERATION_1_2_MARKERS.some((m) => table.has(m))) return '1.2';
  if (table.hasName('lb_add_del_vip') || table.hasName('lb_add_del_vip_v2') || table.hasName('lb_conf'))
    return '1.1';
  return undefined;
}
