// The structure of maglev.yaml as zod schemas: which keys exist, their types and the rules that
// concern one value alone. Rules that relate several values (references, address families, port
// rules per type) live in rules.ts. The schemas validate but do not transform, so the same
// objects also produce the JSON Schema for editors (json-schema.ts).

import { z } from 'zod';
import { DEFAULTS, LIMITS } from './defaults.js';
import { describeValue } from './describe.js';
import { GO_DURATION_PATTERN, parseGoDuration } from './duration.js';
import { NAME_PATTERN, NAME_RULE, isValidName } from './names.js';
import type { ResponseCodeRange } from './types.js';
import { ipFamilyName, parseIp, readIpText, type IpFamily } from '../net/ip-address.js';

interface IssueInput {
  input?: unknown;
}

/**
 * A value's own rule: `judge` words what is wrong with a value the schema took, or returns
 * undefined. zod's superRefine does the same but makes a closure (ctx.addIssue) for every value
 * it judges, one per backend address at every load; this files the issue as that addIssue does.
 */
function judged<T extends z.ZodType>(schema: T, judge: (value: z.output<T>) => string | undefined): T {
  return schema.refine((value) => judge(value) === undefined, {
    error: (iss) => judge(iss.input as z.output<T>),
  });
}

/**
 * The same message for the type check and every range check of an integer: zod words a check
 * that has no error of its own with its schema's.
 */
function intRange(min: number, max: number) {
  const error = (iss: IssueInput) =>
    `must be an integer from ${min} to ${max}, got ${describeValue(iss.input)}`;
  return z.int({ error }).min(min).max(max);
}

function intAtLeast(min: number) {
  const error = (iss: IssueInput) => `must be an integer of at least ${min}, got ${describeValue(iss.input)}`;
  return z.int({ error }).min(min);
}

function powersOfTwo(max: number): number[] {
  const out: number[] = [];
  for (let v = 1; v <= max; v *= 2) out.push(v);
  return out;
}

function powerOfTwo(max: number) {
  const error = (iss: IssueInput) =>
    `must be a power of two from 1 to ${max}, got ${describeValue(iss.input)}`;
  return judged(z.int({ error }).min(1).max(max), (v) =>
    (v & (v - 1)) !== 0 ? error({ input: v }) : undefined,
  ).meta({ enum: powersOfTwo(max) });
}

const DURATION_EXAMPLE = 'a duration like "2s", "500ms" or "1m30s"';

function durationTypeError(allowZero: boolean) {
  return (iss: IssueInput): string => {
    const v = iss.input;
    if (v === 0 && !allowZero) return 'must be greater than 0';
    const hint = typeof v === 'number' ? ` (durations need a unit, e.g. "${v}s")` : '';
    return `must be ${DURATION_EXAMPLE}, got ${describeValue(v)}${hint}`;
  };
}

/**
 * A Go-style duration. Only start-up delays may be 0 (it turns them off); a probe interval or
 * timeout of 0 would spin.
 */
function duration(allowZero: boolean, extra?: (ms: number) => string | undefined) {
  const error = durationTypeError(allowZero);
  const text = z.string({ error }).meta({ pattern: GO_DURATION_PATTERN });
  const base = allowZero ? z.union([text, z.literal(0)], { error }) : text;
  return judged(base, (v: string | number) => {
    if (typeof v === 'number') return undefined;
    const parsed = parseGoDuration(v);
    if (!parsed.ok) return `must be ${DURATION_EXAMPLE}, got ${describeValue(v)}: ${parsed.reason}`;
    if (parsed.ms < 0) return `must not be negative, got ${describeValue(v)}`;
    if (parsed.ms === 0 && !allowZero) return 'must be greater than 0';
    return extra?.(parsed.ms);
  });
}

/** An address literal under the rules of src/net/ip-address.ts; a refusal quotes their reason. */
function ipAddress(family?: IpFamily) {
  const wanted = family === undefined ? 'an IPv4 or IPv6 address' : `an ${ipFamilyName(family)} address`;
  const error = (iss: IssueInput) => `must be ${wanted}, got ${describeValue(iss.input)}`;
  const schema = judged(z.string({ error }), (v) => {
    const read = readIpText(v);
    if (!read.ok) return `${error({ input: v })}: ${read.reason}`;
    if (family !== undefined && read.family !== family)
      return `must be ${wanted}, got ${ipFamilyName(read.family)} address ${read.canonical}`;
    return undefined;
  });
  return family === undefined ? schema : schema.meta({ format: family === 4 ? 'ipv4' : 'ipv6' });
}

function stringError(what: string) {
  return (iss: IssueInput) => `must be ${what}, got ${describeValue(iss.input)}`;
}

/** A non-empty string without whitespace or control characters (host names, SNI). */
function token(what: string) {
  const error = stringError(what);
  return judged(z.string({ error }), (v) => {
    if (v === '') return 'must not be empty';
    // eslint-disable-next-line no-control-regex
    if (/[\s\x00-\x1f\x7f]/.test(v)) return `must be ${what} without spaces, got ${describeValue(v)}`;
    return undefined;
  });
}

/** A name used as a value (pool names). Map keys that are names are checked in rules.ts. */
export const nameValue = judged(z.string({ error: stringError('a name') }), (v) => {
  if (v === '') return 'must not be empty';
  if (!isValidName(v)) return `${describeValue(v)} is not a valid name: ${NAME_RULE}`;
  return undefined;
}).meta({ pattern: NAME_PATTERN.source });

/** Map keys that are names; checked (with a position on the key) by rules.ts, here for editors. */
const nameKey = z.string().meta({ pattern: NAME_PATTERN.source });

/** `50%`, `12.5%`: a percentage from 0 to 100. */
export const PERCENT_PATTERN = /^(\d{1,3}(?:\.\d{1,3})?)%$/;

/** The percent a `NN%` text names, or undefined when it is not one from 0 to 100. */
export function parsePercent(value: string): number | undefined {
  const m = PERCENT_PATTERN.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 100 ? n : undefined;
}

function percent() {
  const error = (iss: IssueInput) =>
    `must be a percentage from 0% to 100% like "50%", got ${describeValue(iss.input)}`;
  return judged(z.string({ error }), (v) =>
    parsePercent(v) === undefined ? error({ input: v }) : undefined,
  ).meta({ pattern: PERCENT_PATTERN.source });
}

/** `200`, `"200-399"`: the accepted HTTP status codes, 100 <= N <= M <= 599. */
export function parseResponseCode(value: string | number): ResponseCodeRange | undefined {
  const m = /^(\d{3})(?:-(\d{3}))?$/.exec(String(value).trim());
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (min < 100 || max > 599 || min > max) return undefined;
  return { min, max };
}

const responseCode = (() => {
  const error = (iss: IssueInput) =>
    `must be a status code N or a range "N-M" with 100 <= N <= M <= 599, got ${describeValue(iss.input)}`;
  return judged(z.union([z.int(), z.string()], { error }), (v) =>
    parseResponseCode(v) === undefined ? error({ input: v }) : undefined,
  );
})();

const httpPath = judged(z.string({ error: stringError('a path starting with "/"') }), (v) => {
  if (!v.startsWith('/')) return `must start with "/", got ${describeValue(v)}`;
  if (/\s/.test(v)) return `must not contain spaces (use %20), got ${describeValue(v)}`;
  return undefined;
});

const regexpSource = judged(z.string({ error: stringError('a regular expression') }), (v) => {
  try {
    new RegExp(v);
    return undefined;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return `is not a valid regular expression: ${detail}`;
  }
});

const serverName = judged(token('a DNS name'), (v) =>
  parseIp(v).ok ? `must be a DNS name: TLS SNI cannot carry an IP address (${v})` : undefined,
);

const netns = judged(z.string({ error: stringError('a network namespace name') }), (v) =>
  // The name is a file under /var/run/netns; '' means maglevd's own namespace.
  v.includes('/') || v === '.' || v === '..' || v.includes('\0')
    ? `must be a namespace name as under /var/run/netns (no "/"), got ${describeValue(v)}`
    : undefined,
);

const bool = z.boolean();
const text = z.string();

/** Sections written as `key:` with everything under them commented out are empty, not errors. */
function section<T extends z.ZodType>(schema: T) {
  return schema.nullable().optional();
}

export const HEALTH_CHECK_TYPES = ['icmp', 'tcp', 'http', 'https'] as const;
export const FRONTEND_PROTOCOLS = ['tcp', 'udp', 'any'] as const;

export const healthCheckType = z.enum(HEALTH_CHECK_TYPES);
export const frontendProtocol = z.enum(FRONTEND_PROTOCOLS);
export const probePort = intRange(1, 65535);
/** 0 is only valid with protocol `any`; rules.ts checks that. */
export const frontendPort = intRange(0, 65535);
export const addressValue = ipAddress();
export const flowTableLength = powerOfTwo(LIMITS.maxFlowTableLength);
export const startupDelay = duration(true);

export const healthCheckParamsSchema = z
  .strictObject({
    path: httpPath.optional().meta({ description: 'http/https: request path', default: DEFAULTS.path }),
    host: token('a host name')
      .optional()
      .meta({ description: 'http/https: Host header (default: the backend address)' }),
    'response-code': responseCode.optional().meta({
      description: 'http/https: accepted status, N or "N-M" within 100..599',
      default: DEFAULTS.responseCode,
    }),
    'response-regexp': regexpSource.optional().meta({
      description: 'http/https: JavaScript regular expression matched against the first 64 KiB of the body',
    }),
    'server-name': serverName.optional().meta({
      description: 'https, and tcp with ssl: TLS SNI (default: params.host when set)',
    }),
    'insecure-skip-verify': bool.optional().meta({
      description: 'https, and tcp with ssl: accept any certificate',
      default: DEFAULTS.insecureSkipVerify,
    }),
    ssl: bool
      .optional()
      .meta({ description: 'tcp: a TLS handshake must succeed (L6OK)', default: DEFAULTS.ssl }),
    'half-open': bool.optional().meta({
      description:
        'tcp without ssl: pass at the SYN-ACK and reset the connection before the handshake completes ' +
        '(false: complete it and close gracefully)',
      default: DEFAULTS.halfOpen,
    }),
    'reset-close': bool.optional().meta({
      description:
        'http: once the backend has closed its end after answering, end the connection with a reset ' +
        'rather than a FIN (no TIME_WAIT on the backend; false: always a FIN)',
      default: DEFAULTS.resetClose,
    }),
    'tls-session-reuse': bool.optional().meta({
      description:
        "https, and tcp with ssl: resume the backend's last good TLS session (full handshake and " +
        'certificate check after any failure and at least every 5 minutes; false: a full handshake every probe)',
      default: DEFAULTS.tlsSessionReuse,
    }),
  })
  .meta({ description: 'Parameters per check type' });

export const healthCheckSchema = z
  .strictObject({
    type: healthCheckType.meta({ description: 'Probe type' }),
    port: probePort
      .optional()
      .meta({ description: 'Required for tcp, http and https; not allowed for icmp' }),
    interval: duration(false)
      .optional()
      .meta({ description: 'Interval while up', default: DEFAULTS.interval }),
    'fast-interval': duration(false).optional().meta({
      description:
        'Interval while the rise/fall counter is between 0 and max, and while unknown (default: interval)',
    }),
    'down-interval': duration(false)
      .optional()
      .meta({ description: 'Interval while fully down (default: interval)' }),
    timeout: duration(false).optional().meta({ description: 'Per-probe timeout', default: DEFAULTS.timeout }),
    rise: intAtLeast(1)
      .optional()
      .meta({ description: 'Consecutive passes to go up', default: DEFAULTS.rise }),
    fall: intAtLeast(1)
      .optional()
      .meta({ description: 'Consecutive failures to go down', default: DEFAULTS.fall }),
    'probe-ipv4-src': ipAddress(4)
      .optional()
      .meta({ description: 'Source address for probes to IPv4 backends' }),
    'probe-ipv6-src': ipAddress(6)
      .optional()
      .meta({ description: 'Source address for probes to IPv6 backends' }),
    params: section(healthCheckParamsSchema),
  })
  .meta({ description: 'How to probe a backend' });

export const backendSchema = z
  .strictObject({
    address: addressValue.meta({
      description: 'IPv4 or IPv6 address: the VPP application server and probe target',
    }),
    healthcheck: token('a health check name')
      .optional()
      .meta({ description: 'Name of a health check; without one the backend passes without traffic' }),
    enabled: bool.optional().meta({ default: DEFAULTS.enabled }),
  })
  .meta({ description: 'A named IP address and how to check it' });

export const poolBackendSchema = z
  .strictObject({
    weight: intRange(0, 100)
      .optional()
      .meta({ description: 'Weight in this pool', default: DEFAULTS.weight }),
  })
  .nullable()
  .meta({ description: 'Per-pool settings of a backend; empty means weight 100' });

export const poolSchema = z.strictObject({
  name: nameValue.meta({ description: 'Pool name, unique within the frontend' }),
  backends: z
    .record(nameKey, poolBackendSchema)
    .meta({ description: 'Backend name -> settings, at least one', minProperties: 1 }),
});

export const frontendSchema = z
  .strictObject({
    address: addressValue.meta({ description: 'VIP address' }),
    protocol: frontendProtocol
      .optional()
      .meta({ description: 'tcp, udp, or any (all ports: port 0)', default: DEFAULTS.protocol }),
    port: frontendPort.optional().meta({ description: '1..65535 for tcp and udp; 0 or omitted for any' }),
    description: text.optional().meta({ default: DEFAULTS.description }),
    pools: z
      .array(poolSchema, { error: stringError('a list of pools') })
      .min(1, { error: 'must list at least one pool' })
      .meta({ description: 'Pools in priority order; the first pool with a usable backend is active' }),
    'src-ip-sticky': bool
      .optional()
      .meta({ description: 'Hash on source address only', default: DEFAULTS.srcIpSticky }),
    'flush-on-down': bool
      .optional()
      .meta({ description: 'Tear down flows of a backend that goes down', default: DEFAULTS.flushOnDown }),
    'flow-table-length': flowTableLength
      .optional()
      .meta({ description: 'Maglev new-flow table size (power of two)', default: DEFAULTS.flowTableLength }),
    'panic-threshold': percent().optional().meta({
      description:
        'Below this share of up backends in the serving pool, with no fallback pool up, serve on all enabled backends (fail-open); unset: never',
    }),
    announce: bool.optional().meta({
      description: 'Announce the VIP over BGP through BIRD (default: true when maglev.announce is set)',
    }),
  })
  .meta({ description: 'A VIP with ordered pools of backends' });

export const healthCheckerSchema = z.strictObject({
  'transition-history': intAtLeast(1)
    .optional()
    .meta({ description: 'State transitions kept per backend', default: DEFAULTS.transitionHistory }),
  netns: netns.optional().meta({ description: 'Network namespace (under /var/run/netns) all probes run in' }),
});

export const vppLbSchema = z.strictObject({
  'ipv4-src-address': ipAddress(4).optional().meta({ description: 'Outer source of GRE to IPv4 backends' }),
  'ipv6-src-address': ipAddress(6).optional().meta({ description: 'Outer source of GRE to IPv6 backends' }),
  'sync-interval': duration(false)
    .optional()
    .meta({ description: 'Period of the full reconcile with VPP', default: DEFAULTS.syncInterval }),
  'startup-min-delay': startupDelay.optional().meta({
    description: 'Warm-up in which nothing touches VPP; 0 turns it off',
    default: DEFAULTS.startupMinDelay,
  }),
  'startup-max-delay': startupDelay.optional().meta({
    description: 'Deadline of the per-VIP release; 0 turns it off',
    default: DEFAULTS.startupMaxDelay,
  }),
  'sticky-buckets-per-core': powerOfTwo(LIMITS.maxStickyBucketsPerCore)
    .optional()
    .meta({ description: "VPP's per-worker sticky table size (unset: VPP's value)" }),
  'flow-timeout': duration(false, (ms) =>
    ms % 1000 !== 0
      ? 'must be a whole number of seconds (VPP counts in seconds)'
      : ms / 1000 > LIMITS.maxFlowTimeoutS
        ? `must be at most ${LIMITS.maxFlowTimeoutS}s`
        : undefined,
  )
    .optional()
    .meta({ description: "Idle timeout of sticky flows, whole seconds (unset: VPP's value)" }),
});

/** An absolute file path (maglevd runs from /, so a relative one would surprise). */
function absolutePath(what: string) {
  const error = stringError(`an absolute path to ${what}`);
  return judged(z.string({ error }), (v) => {
    if (!v.startsWith('/')) return `must be an absolute path to ${what}, got ${describeValue(v)}`;
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(v)) return `must not contain control characters, got ${describeValue(v)}`;
    return undefined;
  });
}

/** A BIRD symbol that stays one after maglevd appends '4' or '6' to it. */
export const BIRD_SYMBOL_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const birdProtocol = judged(z.string({ error: stringError('a BIRD protocol name') }), (v) => {
  if (!BIRD_SYMBOL_PATTERN.test(v))
    return `must be a BIRD symbol (a letter or '_', then letters, digits and '_'), got ${describeValue(v)}`;
  if (v.length > LIMITS.maxBirdProtocolLength)
    return `must be at most ${LIMITS.maxBirdProtocolLength} characters (BIRD symbols end at 64 with the '4' or '6')`;
  return undefined;
});

const routeAttributes = judged(z.string({ error: stringError('BIRD filter commands') }), (v) =>
  v.includes('\0') ? 'must not contain NUL' : undefined,
);

export const birdAnnounceSchema = z.strictObject({
  socket: absolutePath("BIRD's control socket")
    .optional()
    .meta({ description: "BIRD's control socket", default: DEFAULTS.birdSocket }),
  'include-file': absolutePath('the include file')
    .optional()
    .meta({ description: 'The file maglevd owns; bird.conf includes it', default: DEFAULTS.birdIncludeFile }),
  protocol: birdProtocol.optional().meta({
    description: 'Base name of the static protocols <protocol>4 and <protocol>6',
    default: DEFAULTS.birdProtocol,
  }),
  'route-attributes': routeAttributes.optional().meta({
    description: 'BIRD filter commands added to every route, e.g. "bgp_community.add((65000,100));"',
    default: DEFAULTS.birdRouteAttributes,
  }),
});

export const announceSchema = z.strictObject({
  bird: section(birdAnnounceSchema).meta({ description: 'The local BIRD 2 that carries the routes' }),
});

export const configSchema = z
  .strictObject({
    maglev: z
      .strictObject({
        healthchecker: section(healthCheckerSchema).meta({ description: 'Probe engine settings' }),
        vpp: section(
          z.strictObject({ lb: section(vppLbSchema).meta({ description: "VPP's lb plugin" }) }),
        ).meta({
          description: 'VPP integration',
        }),
        announce: section(announceSchema).meta({
          description: 'Announce the VIPs of healthy, programmed frontends over BGP through BIRD',
        }),
        healthchecks: section(z.record(nameKey, healthCheckSchema)).meta({
          description: 'Health checks by name: how to probe',
        }),
        backends: section(z.record(nameKey, backendSchema)).meta({
          description: 'Backends by name: an address and its health check',
        }),
        frontends: section(z.record(nameKey, frontendSchema)).meta({
          description: 'Frontends by name: VIPs with ordered pools of backends',
        }),
      })
      .meta({ description: 'Everything lives under this key' }),
  })
  .meta({ title: 'maglev.yaml', description: 'Configuration of maglevd, the vpp-maglev health checker' });

export type ConfigInput = z.output<typeof configSchema>;
