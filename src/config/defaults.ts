// Defaults and limits of maglev.yaml in one place, shared by the schema, the normaliser, the
// JSON Schema for editors and the tests.

export const DEFAULTS = {
  transitionHistory: 5,
  syncInterval: '30s',
  startupMinDelay: '5s',
  startupMaxDelay: '30s',
  interval: '2s',
  timeout: '1s',
  rise: 2,
  fall: 3,
  path: '/',
  responseCode: '200-399',
  insecureSkipVerify: false,
  ssl: false,
  halfOpen: true,
  resetClose: true,
  tlsSessionReuse: true,
  enabled: true,
  protocol: 'tcp',
  weight: 100,
  description: '',
  srcIpSticky: false,
  flushOnDown: true,
  flowTableLength: 1024,
  birdSocket: '/run/bird/bird.ctl',
  birdIncludeFile: '/etc/bird/maglev-vips.conf',
  birdProtocol: 'maglev_vips',
  birdRouteAttributes: '',
} as const;

export const LIMITS = {
  /**
   * 2^24 buckets is 64 MiB of new-flow table per VIP inside VPP and serves 167 772 backends at
   * the recommended 100 buckets per backend; anything larger is a typo, not a plan.
   */
  maxFlowTableLength: 2 ** 24,
  /** Same reasoning for the per-worker sticky table (VPP rejects non-powers of two with -70). */
  maxStickyBucketsPerCore: 2 ** 24,
  /** lb_conf.flow_timeout is a u32 of seconds and 0xffffffff means "keep the current value". */
  maxFlowTimeoutS: 0xffff_fffe,
  /** Maglev's balance degrades when the table has fewer than this many buckets per backend. */
  bucketsPerBackend: 100,
  /** BIRD's symbols are at most 64 characters (SYM_MAX_LEN); the protocol name gets a '4' or '6'. */
  maxBirdProtocolLength: 63,
} as const;
