// Shared by the VPP client tests: hex dumps written as text, as bytes.

/** Hex dump helper: '12 34 ab' → bytes. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/[^0-9a-fA-F]/g, ''), 'hex');
}
