// The maglevc command tree (docs/maglevc.md §Commands) as data: keyword nodes and slot nodes, each with one
// line of help, some carrying the action they run. The walker, the completer, `?` help and `help` all read
// this one declaration, so a command added here is parsed, completed and documented at once.

/** Names maglevd knows; slot values of these kinds are completed from live names. */
export type NameKind = 'frontend' | 'backend' | 'pool' | 'healthcheck';

/** What a slot accepts. */
export type ValueSpec =
  /** An existing name (checked by maglevd; completed from live names). */
  | { type: 'name'; kind: NameKind }
  /** Free text matched against names by maglevc itself (a name prefix); completed from live names. */
  | { type: 'name-prefix'; kind: NameKind }
  | { type: 'int'; min: number; max: number }
  /** One of a fixed set; like keywords, a unique prefix is enough. */
  | { type: 'choice'; choices: readonly string[] }
  /** A path on maglevc's side; any word, never completed from maglevd. */
  | { type: 'path' };

export type ActionId =
  | 'show-version'
  | 'show-frontends'
  | 'show-frontend'
  | 'show-backends'
  | 'show-backend'
  | 'show-healthchecks'
  | 'show-healthcheck'
  | 'show-vpp-info'
  | 'show-vpp-lb-state'
  | 'show-vpp-lb-counters'
  | 'sync-vpp-lb-state'
  | 'show-announcements'
  | 'set-backend-pause'
  | 'set-backend-resume'
  | 'set-backend-enable'
  | 'set-backend-disable'
  | 'set-weight'
  | 'config-check'
  | 'config-reload'
  | 'watch-events'
  | 'help'
  | 'quit';

interface NodeBase {
  /** One line for `?`: what this word means here. */
  help: string;
  /** One line for `help`: what the command ending here does, when the word's help does not say. */
  summary?: string;
  /** Keyword children first; at most one slot child, tried when no keyword matches. */
  children?: readonly TreeNode[];
  /** Present when the words so far form a complete command. */
  action?: ActionId;
  /** Order-free trailing options, each at most once, accepted once `action` is reached. */
  options?: readonly OptionNode[];
}

export interface KeywordNode extends NodeBase {
  type: 'keyword';
  word: string;
}

export interface SlotNode extends NodeBase {
  type: 'slot';
  /** Key in ParsedCommand.args. */
  arg: string;
  /** Shown in help and errors, e.g. `<backend>`. */
  placeholder: string;
  value: ValueSpec;
}

export type TreeNode = KeywordNode | SlotNode;

export interface OptionValue {
  arg: string;
  placeholder: string;
  help: string;
  value: ValueSpec;
}

/** A trailing option: `num <n>`, `log [level <level>]`, `flush`. */
export interface OptionNode {
  word: string;
  help: string;
  /** The value slot that must follow the word, if any. */
  value?: OptionValue;
  /** Options that become available once this one is given (`level` after `log`). */
  options?: readonly OptionNode[];
}

/** The root: its children are the first words of every command. */
export interface CommandTree {
  children: readonly TreeNode[];
}

type Extra = Omit<NodeBase, 'help'>;

export function keyword(word: string, help: string, extra: Extra = {}): KeywordNode {
  return { type: 'keyword', word, help, ...extra };
}

export function slot(
  arg: string,
  placeholder: string,
  value: ValueSpec,
  help: string,
  extra: Extra = {},
): SlotNode {
  return { type: 'slot', arg, placeholder, value, help, ...extra };
}

export const LOG_LEVEL_CHOICES = ['debug', 'info', 'warn', 'error'] as const;

const frontendName: ValueSpec = { type: 'name', kind: 'frontend' };
const backendName: ValueSpec = { type: 'name', kind: 'backend' };

/** The option every command that changes something takes (docs/maglevc.md §Dry runs). */
export const DRY_RUN: OptionNode = {
  word: 'dry-run',
  help: 'change nothing: show what would change in VPP and which buckets would move',
};

/** True when the command ending in this action takes `dry-run` (it changes something). */
export function takesDryRun(tree: CommandTree, action: ActionId): boolean {
  const visit = (nodes: readonly TreeNode[]): boolean =>
    nodes.some(
      (n) => (n.action === action && (n.options ?? []).includes(DRY_RUN)) || visit(n.children ?? []),
    );
  return visit(tree.children);
}

function backendAction(word: string, help: string, action: ActionId): KeywordNode {
  return keyword(word, help, { action, options: [DRY_RUN] });
}

export const MAGLEVC_TREE: CommandTree = {
  children: [
    keyword('show', 'show maglevd state', {
      children: [
        keyword('version', 'maglevc version and the server it talks to', { action: 'show-version' }),
        keyword('frontends', 'list the frontends (VIPs) with their state', { action: 'show-frontends' }),
        keyword('frontend', 'one frontend: pools, weights, buckets', {
          children: [
            slot('frontend', '<frontend>', frontendName, 'frontend name', { action: 'show-frontend' }),
          ],
        }),
        keyword('backends', 'list the backends, optionally those whose name starts with a prefix', {
          action: 'show-backends',
          children: [
            slot(
              'prefix',
              '<prefix>',
              { type: 'name-prefix', kind: 'backend' },
              'only backends whose name starts with this',
              { action: 'show-backends' },
            ),
          ],
        }),
        keyword('backend', 'one backend with its transition history', {
          children: [slot('backend', '<backend>', backendName, 'backend name', { action: 'show-backend' })],
        }),
        keyword('healthchecks', 'list the health checks', { action: 'show-healthchecks' }),
        keyword('healthcheck', 'one health check with its parameters', {
          children: [
            slot('healthcheck', '<healthcheck>', { type: 'name', kind: 'healthcheck' }, 'health check name', {
              action: 'show-healthcheck',
            }),
          ],
        }),
        keyword('announcements', 'VIPs announced over BGP through BIRD, and why or why not', {
          action: 'show-announcements',
        }),
        keyword('vpp', 'what VPP reports', {
          children: [
            keyword('info', 'VPP version, pid, uptime and the lb API generation', {
              action: 'show-vpp-info',
            }),
            keyword('lb', "VPP's lb plugin", {
              children: [
                keyword('state', 'VIPs and application servers as VPP has them', {
                  action: 'show-vpp-lb-state',
                }),
                keyword('counters', 'per-VIP packet counters', { action: 'show-vpp-lb-counters' }),
              ],
            }),
          ],
        }),
      ],
    }),
    keyword('sync', 'reconcile VPP with the desired state now', {
      children: [
        keyword('vpp', 'VPP', {
          children: [
            keyword('lb', "VPP's lb plugin", {
              children: [
                keyword('state', 'every VIP, or one frontend', {
                  action: 'sync-vpp-lb-state',
                  summary: 'reconcile VPP with the desired state now (every VIP, or one frontend)',
                  options: [
                    {
                      word: 'frontend',
                      help: 'only this frontend',
                      value: {
                        arg: 'frontend',
                        placeholder: '<frontend>',
                        help: 'frontend name',
                        value: frontendName,
                      },
                    },
                    DRY_RUN,
                  ],
                }),
              ],
            }),
          ],
        }),
      ],
    }),
    keyword('set', 'operator actions', {
      children: [
        keyword('backend', 'act on a backend', {
          children: [
            slot('backend', '<backend>', backendName, 'backend name', {
              children: [
                backendAction('pause', 'stop probing; keeps flows', 'set-backend-pause'),
                backendAction('resume', 'probe again from state unknown', 'set-backend-resume'),
                backendAction('enable', 'put back into service from state unknown', 'set-backend-enable'),
                backendAction('disable', 'take out of service and flush its flows', 'set-backend-disable'),
              ],
            }),
          ],
        }),
        keyword('frontend', 'change a pool weight (until the next reload)', {
          children: [
            slot('frontend', '<frontend>', frontendName, 'frontend name', {
              children: [
                keyword('pool', 'pool of the frontend', {
                  children: [
                    slot('pool', '<pool>', { type: 'name', kind: 'pool' }, 'pool name', {
                      children: [
                        keyword('backend', 'backend in the pool', {
                          children: [
                            slot('backend', '<backend>', backendName, 'backend name', {
                              children: [
                                keyword('weight', 'the new weight', {
                                  children: [
                                    slot(
                                      'weight',
                                      '<0-100>',
                                      { type: 'int', min: 0, max: 100 },
                                      'weight 0..100',
                                      {
                                        action: 'set-weight',
                                        summary: 'change a pool weight until the next reload',
                                        options: [
                                          { word: 'flush', help: "also flush the backend's flows" },
                                          DRY_RUN,
                                        ],
                                      },
                                    ),
                                  ],
                                }),
                              ],
                            }),
                          ],
                        }),
                      ],
                    }),
                  ],
                }),
              ],
            }),
          ],
        }),
      ],
    }),
    keyword('config', 'the configuration file on disk', {
      children: [
        keyword('check', 'validate it, and show what a reload would change', {
          action: 'config-check',
          summary: "validate maglevd's file (or a candidate <file>), and show what a reload would change",
          children: [
            slot('file', '<file>', { type: 'path' }, 'a candidate file on this machine, instead', {
              action: 'config-check',
            }),
          ],
        }),
        keyword('reload', 'validate and apply it', {
          action: 'config-reload',
          summary: 'validate and apply the configuration file on disk (as SIGHUP)',
          options: [DRY_RUN],
        }),
      ],
    }),
    keyword('watch', 'follow live output', {
      children: [
        keyword('events', 'backend transitions, frontend states and logs until Ctrl-C', {
          action: 'watch-events',
          options: [
            {
              word: 'num',
              help: 'stop after this many events',
              value: {
                arg: 'num',
                placeholder: '<n>',
                help: 'number of events',
                value: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER },
              },
            },
            {
              word: 'log',
              help: 'log records (default level info)',
              options: [
                {
                  word: 'level',
                  help: 'lowest log level to show',
                  value: {
                    arg: 'level',
                    placeholder: '<level>',
                    help: LOG_LEVEL_CHOICES.join(' | '),
                    value: { type: 'choice', choices: LOG_LEVEL_CHOICES },
                  },
                },
              ],
            },
            { word: 'backend', help: 'backend transitions' },
            { word: 'frontend', help: 'frontend state changes' },
            { word: 'announcement', help: "VIPs announced and withdrawn, and BIRD's state" },
          ],
        }),
      ],
    }),
    keyword('help', 'list every command', { action: 'help' }),
    keyword('quit', 'leave the shell', { action: 'quit' }),
    keyword('exit', 'leave the shell', { action: 'quit' }),
  ],
};
