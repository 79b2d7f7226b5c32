// The include file maglevd owns (docs/fleet.md §The include file): two static protocols,
// `<protocol>4` and `<protocol>6`, with one blackhole route per announced VIP. Blackhole because
// the route exists only to be exported over BGP (eBGP sends our own address as next hop); it
// must never be exported to the node's kernel. Both protocols are always written, with or
// without routes, so whatever bird.conf says about them (export filters by `proto`) keeps
// parsing when nothing is announced. Pure: the text is a function of the routes and settings.

import type { AnnouncedRoute } from './wanted.js';

export interface IncludeSettings {
  /** Base name of the static protocols. */
  readonly protocol: string;
  /** Filter commands for every route; '' for none. */
  readonly routeAttributes: string;
}

const HEADER = [
  '# Written by maglevd (vpp-maglev): the VIPs this node announces. Do not edit: maglevd',
  '# replaces this file whenever a VIP is announced or withdrawn, then tells BIRD to configure.',
];

function routeLine(route: AnnouncedRoute, attributes: string): string {
  const attrs = attributes.trim();
  const block = attrs === '' ? '' : ` { ${attrs} }`;
  return `  route ${route.prefix} blackhole${block}; # ${route.frontends.join(', ')}`;
}

export function renderIncludeFile(settings: IncludeSettings, routes: readonly AnnouncedRoute[]): string {
  const lines = [...HEADER];
  for (const family of [4, 6] as const) {
    lines.push('', `protocol static ${settings.protocol}${family} {`, `  ipv${family};`);
    for (const route of routes)
      if (route.family === family) lines.push(routeLine(route, settings.routeAttributes));
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}
