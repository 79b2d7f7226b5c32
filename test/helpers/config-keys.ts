// The keys a config uses against the keys its schema knows: for the tests that check a config
// (the shipped example, the parser's warm-up) uses every key of the schema.

/** Every property name that appears anywhere in a JSON Schema. */
export function schemaKeys(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) schemaKeys(item, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === 'properties' && typeof v === 'object' && v !== null) {
        for (const name of Object.keys(v)) out.add(name);
      }
      schemaKeys(v, out);
    }
  }
  return out;
}

/** Every map key in a YAML value. */
export function yamlKeys(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) yamlKeys(item, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      out.add(k);
      yamlKeys(v, out);
    }
  }
  return out;
}
