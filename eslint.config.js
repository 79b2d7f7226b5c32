// Typed lint: a daemon must never drop a rejected promise, so floating promises are errors.
// Two boundaries are kept here as well, so that they cannot erode one import at a time:
// the pure core does no I/O, and a test folder reaches other test code only through test/helpers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The pure core: health rules, the Maglev table, IP addresses, and the planning half of the
 * dataplane. No I/O, no timers, no ambient time or randomness: the shell hands in a Clock and a
 * Random, the pure code computes. These folders are pure as a whole, except the dataplane files
 * listed in DATAPLANE_SHELL (the syncer that talks to VPP and logs what it did, its counters
 * poller, /proc reads). A new dataplane file is pure until it is listed here.
 */
const PURE_DIRS = ['health', 'maglev', 'net', 'dataplane'];
export const DATAPLANE_SHELL = [
  'index',
  'syncer',
  'syncer-apply',
  'syncer-read',
  'syncer-report',
  'counters-poller',
  'counters-read',
  'vpp-process',
];

const alternatives = (names) => `(?:${names.join('|')})`;

/** no-restricted-imports patterns for a pure file; `dataplane` adds the rule against shell siblings. */
function pureImportPatterns(dir) {
  const patterns = [
    {
      // Every bare specifier: node:*, builtins without the prefix, npm packages (grpc-js, pino,
      // prom-client, hono, yaml ... all belong to the shell). The pure core needs none.
      regex: '^(?!\\.{1,2}/)',
      message:
        'The pure core (see eslint.config.js) imports no packages and no node builtins: take the value or a callback as a parameter from the shell instead.',
    },
    {
      regex: `^\\.\\./(?!${alternatives(PURE_DIRS)}/|config/types\\.js$|clock/)`,
      message:
        'The pure core imports only pure modules (health, maglev, net, the pure dataplane files, config types).',
    },
    {
      regex: `^\\.\\./dataplane/${alternatives(DATAPLANE_SHELL)}\\.js$`,
      message:
        'That dataplane file is shell (it talks to VPP or reads /proc); the pure core may not import it.',
    },
    {
      regex: '^\\.\\./clock/',
      allowTypeImports: true,
      message: 'The clock is injected: the pure core imports its types only (import type).',
    },
  ];
  if (dir === 'dataplane') {
    patterns.push({
      regex: `^\\./${alternatives(DATAPLANE_SHELL)}\\.js$`,
      message:
        'That dataplane file is shell (it talks to VPP, logs or reads /proc); a pure dataplane file may not import it.',
    });
  }
  return patterns;
}

/** Time, timers, randomness and output reached without an import. */
const AMBIENT_GLOBALS = [
  'process',
  'console',
  'fetch',
  'performance',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'queueMicrotask',
].map((name) => ({ name, message: 'The pure core uses the injected Clock and does no I/O.' }));

export const pureCoreBoundary = PURE_DIRS.map((dir) => ({
  files: [`src/${dir}/**/*.ts`],
  ignores: dir === 'dataplane' ? DATAPLANE_SHELL.map((f) => `src/dataplane/${f}.ts`) : [],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', { patterns: pureImportPatterns(dir) }],
    'no-restricted-globals': ['error', ...AMBIENT_GLOBALS],
    'no-restricted-properties': [
      'error',
      { object: 'Date', property: 'now', message: 'The pure core reads time from the injected Clock.' },
      { object: 'Math', property: 'random', message: 'The pure core takes an injected Random.' },
    ],
  },
}));

/**
 * Tests: each folder's own fixtures.ts, test/helpers for anything shared; a test never imports
 * another test folder's files, and test/helpers never imports a test folder.
 */
export const testBoundary = [
  {
    files: ['test/**/*.ts'],
    ignores: ['test/helpers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // test/classes.ts (the split into unit, integration and e2e) is read by test/repo;
              // ../src/ is src/ itself for a test at the top of test/ (test/command-line.test.ts).
              regex: '^\\.\\./(?!helpers/|\\.\\./|src/|classes\\.js$)',
              message:
                "A test imports only its own folder's files and test/helpers: move what is shared to test/helpers.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/helpers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./)',
              message: 'test/helpers is shared by every test folder and imports none of them.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'src/api/gen/**',
      'src/web/dist/**',
      'native/build/**',
      'coverage/**',
      // StrykerJS's sandboxes (copies of the repository) and its reports: npm run test:mutation.
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/test return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'test', 'it', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...pureCoreBoundary,
  ...testBoundary,
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
