// vpe.api.json (core): `show_version`, which the connection manager calls once per connect to learn
// what it is talking to.

import type { ApiJsonFile } from '../api-json.js';

export const vpeApi: ApiJsonFile = {
  types: [],
  messages: [
    [
      'show_version',
      ['u16', '_vl_msg_id'],
      ['u32', 'client_index'],
      ['u32', 'context'],
      { crc: '0x51077d14' },
    ],
    [
      'show_version_reply',
      ['u16', '_vl_msg_id'],
      ['u32', 'context'],
      ['i32', 'retval'],
      ['string', 'program', 32],
      ['string', 'version', 32],
      ['string', 'build_date', 32],
      ['string', 'build_directory', 256],
      { crc: '0xc919bde1' },
    ],
  ],
  unions: [],
  enums: [],
  enumflags: [],
  aliases: {},
  services: { show_version: { reply: 'show_version_reply' } },
  options: {},
  imports: [],
};
