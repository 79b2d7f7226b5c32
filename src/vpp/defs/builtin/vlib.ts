// vlib.api.json (core): the debug CLI over the binary API. `cli_inband` runs one CLI command and
// returns its text output; we use it for `show lb vips verbose` (VIP pool index, src_ip_sticky).

import type { ApiJsonFile } from '../api-json.js';

export const vlibApi: ApiJsonFile = {
  types: [],
  messages: [
    [
      'cli_inband',
      ['u16', '_vl_msg_id'],
      ['u32', 'client_index'],
      ['u32', 'context'],
      ['string', 'cmd', 0],
      { crc: '0xf8377302' },
    ],
    [
      'cli_inband_reply',
      ['u16', '_vl_msg_id'],
      ['u32', 'context'],
      ['i32', 'retval'],
      ['string', 'reply', 0],
      { crc: '0x05879051' },
    ],
  ],
  unions: [],
  enums: [],
  enumflags: [],
  aliases: {},
  services: { cli_inband: { reply: 'cli_inband_reply' } },
  options: {},
  imports: [],
};
