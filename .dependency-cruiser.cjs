/**
 * The house's layering, checked by `npm run lint` (docs/development.md#how-the-code-is-laid-out).
 * Imports run one way: transports → domains → basics.
 *   transports  the composition roots (main, index, token-warden, server, services), graphql/, http/, oauth/, cli/
 *   domains     sessions/, users/, revocation/, keys/, live/, audit/, accounts/
 *   basics      everything else under src/: auth/, db/, relay/, observability/, config/, errors, clock, ids, timeout
 */
const TRANSPORTS = '^src/((main|index|token-warden|server|services)\\.ts$|(graphql|http|oauth|cli)/)';
const DOMAINS = '^src/(sessions|users|revocation|keys|live|audit|accounts)/';
const BASICS = `^src/(?!((main|index|token-warden|server|services)\\.ts$|(graphql|http|oauth|cli|sessions|users|revocation|keys|live|audit|accounts)/))`;

/**
 * Type-only imports against the layering, each kept because the alternative is worse: the request
 * context (a basic every resolver reads) names the services and the socket it carries, and an
 * app's resolvers read `context.services` through the library's API.
 */
const TYPE_ONLY_EXCEPTIONS = '^src/auth/context\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other, even for types only, are one tangle: break the loop.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domains-not-to-transports',
      severity: 'error',
      comment: 'A domain is composed by the transports; it never reaches up to them.',
      from: { path: DOMAINS },
      to: { path: TRANSPORTS },
    },
    {
      name: 'basics-not-up',
      severity: 'error',
      comment: 'A basic serves every domain and transport; a value import upward drags the house into it.',
      from: { path: BASICS },
      to: { path: [DOMAINS, TRANSPORTS], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'basics-not-up-even-for-types',
      severity: 'error',
      comment: `Type-only imports upward are allowed only where listed (${TYPE_ONLY_EXCEPTIONS}).`,
      from: { path: BASICS, pathNot: TYPE_ONLY_EXCEPTIONS },
      to: { path: [DOMAINS, TRANSPORTS], dependencyTypes: ['type-only'] },
    },
    {
      name: 'stores-are-private',
      severity: 'error',
      comment: 'Each table has one owning folder; another folder asks its service, not its store.',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/[^/]+\\.store\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples)/' },
    },
    {
      name: 'verifier-shares-the-rule-only',
      severity: 'error',
      comment: 'packages/verifier is installed without the service: of src/ it compiles in the revocation rule alone.',
      from: { path: '^packages/verifier/' },
      to: { path: '^src/', pathNot: '^src/revocation/revocation\\.rule\\.ts$' },
    },
    {
      name: 'the-rule-imports-nothing',
      severity: 'error',
      comment: 'The revocation rule is compiled into the verifier package too: it must stand alone.',
      from: { path: '^src/revocation/revocation\\.rule\\.ts$' },
      to: {},
    },
    {
      name: 'verifier-not-to-service-dependencies',
      severity: 'error',
      comment: 'The verifier installs with jose and eventsource-parser only (and Node itself).',
      from: { path: '^packages/verifier/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: 'node_modules/(jose|eventsource-parser)/',
      },
    },
    {
      name: 'service-not-to-packages',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^packages/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^(src|packages/verifier/src)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
