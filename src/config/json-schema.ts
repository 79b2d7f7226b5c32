// The JSON Schema of maglev.yaml for editors (yaml-language-server and friends), generated from
// the same zod schema that validates the file, so the two cannot disagree. The committed copy is
// schema/maglev.schema.json; a test keeps it in step.

import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  // 'input': what the operator writes (defaults optional), not what the parser returns.
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
}
