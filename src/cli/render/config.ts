// `config check` and `config reload`: the verdict, then every problem one per line.

import type { CheckConfigResponse, ReloadConfigResponse } from '../../api/index.js';
import type { RenderContext } from './context.js';

export interface ConfigVerdict {
  ok: boolean;
  lines: string[];
}

function problems(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

export function renderConfigResult(
  r: CheckConfigResponse | ReloadConfigResponse,
  what: 'check' | 'reload',
  ctx: RenderContext,
): ConfigVerdict {
  const lines: string[] = [];
  if (r.ok) {
    lines.push(ctx.style.ok(what === 'check' ? 'configuration is valid' : 'configuration reloaded'));
  } else {
    lines.push(
      ctx.style.error(
        what === 'check'
          ? 'configuration is invalid'
          : 'configuration not reloaded; the running one stays in force',
      ),
    );
  }
  for (const p of problems(r.parseError)) lines.push(`  ${ctx.style.error('parse error')}: ${p}`);
  for (const p of problems(r.semanticError)) lines.push(`  ${ctx.style.error('semantic error')}: ${p}`);
  if ('applyError' in r)
    for (const p of problems(r.applyError)) lines.push(`  ${ctx.style.error('apply error')}: ${p}`);
  for (const w of r.warnings) lines.push(`  ${ctx.style.warn('warning')}: ${w}`);
  return { ok: r.ok, lines };
}
