// The built-in definition set: what we know without asking VPP or reading /usr/share/vpp/api.
// Used last when definitions are merged (VPP's own JSON and installed files win).

import type { LbGeneration } from '../../lb-generation.js';
import type { ApiJsonFile } from '../api-json.js';
import { ipApi } from './ip.js';
import { ipTypesApi } from './ip-types.js';
import { lbApi110, lbApi120 } from './lb.js';
import { lbTypesApi } from './lb-types.js';
import { memclntApi } from './memclnt.js';
import { vlibApi } from './vlib.js';
import { vpeApi } from './vpe.js';

export { ipApi, ipTypesApi, lbApi110, lbApi120, lbTypesApi, memclntApi, vlibApi, vpeApi };

/** A named built-in file, as VPP would install it (`core/memclnt.api.json`, `plugins/lb.api.json`). */
export interface BuiltinApiFile {
  readonly path: string;
  readonly file: ApiJsonFile;
}

/** The core modules (ip for ip_route_lookup) plus lb_types and the lb file of one generation: what such a VPP would serve. */
export function builtinApiFilesFor(generation: LbGeneration): readonly BuiltinApiFile[] {
  return [
    { path: 'core/memclnt.api.json', file: memclntApi },
    { path: 'core/vlib.api.json', file: vlibApi },
    { path: 'core/vpe.api.json', file: vpeApi },
    { path: 'core/ip_types.api.json', file: ipTypesApi },
    { path: 'core/ip.api.json', file: ipApi },
    { path: 'plugins/lb_types.api.json', file: lbTypesApi },
    { path: 'plugins/lb.api.json', file: generation === '1.2' ? lbApi120 : lbApi110 },
  ];
}

/** Everything built in; the 1.2.0 lb file first (both carry identical shared messages). */
export const builtinApiFiles: readonly BuiltinApiFile[] = [
  ...builtinApiFilesFor('1.2'),
  { path: 'plugins/lb.api.json (1.1.0)', file: lbApi110 },
];
