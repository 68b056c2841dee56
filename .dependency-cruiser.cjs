// The house rules on imports (README "Architecture"): surfaces → domain → platform, one surface never reaches into another,
// a domain module never into another module's repository, no cycles. `npm run lint:deps` checks src/ against them;
// violations recorded in .dependency-cruiser-known-violations.json are tolerated until fixed (npm run lint:deps:baseline).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-not-to-domain-or-surfaces',
      comment: 'The platform is the outside world behind small interfaces: it knows no domain rule or error and no surface.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(domain|surfaces)/' },
    },
    {
      name: 'domain-not-to-surfaces',
      comment: 'The domain is the product whatever the wire: it never imports a surface.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/surfaces/' },
    },
    {
      name: 'domain-not-to-http',
      comment: 'The domain imports nothing from Fastify or HTTP libraries.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        path: '(^|/)node_modules/(fastify|@fastify/|fastify-plugin|light-my-request|ws)(/|$)',
      },
    },
    {
      name: 'layers-not-to-entry-points',
      comment: 'Platform, domain and surfaces are assembled by src/app.ts; they never import it, the server or the command-line tools.',
      severity: 'error',
      from: { path: '^src/(platform|domain|surfaces)/' },
      to: { path: '^src/(app\\.ts|server\\.ts|cli/)' },
    },
    {
      name: 'surface-not-to-other-surface',
      comment: 'A surface never imports another surface; what two surfaces share lives in src/surfaces/*.ts or src/surfaces/shared/.',
      severity: 'error',
      from: { path: '^src/surfaces/([^/]+)/' },
      to: { path: '^src/surfaces/[^/]+/', pathNot: ['^src/surfaces/$1/', '^src/surfaces/shared/'] },
    },
    {
      name: 'shared-surface-helpers-not-to-a-surface',
      comment: 'Helpers every surface shares (src/surfaces/*.ts, src/surfaces/shared/) stay shared: they import no one surface.',
      severity: 'error',
      from: { path: '^src/surfaces/([^/]+\\.ts$|shared/)' },
      to: { path: '^src/surfaces/[^/]+/', pathNot: '^src/surfaces/shared/' },
    },
    {
      name: 'domain-module-not-to-other-repository',
      comment: "A domain module asks another module's service, never its repository (its tables).",
      severity: 'error',
      from: { path: '^src/domain/([^/]+)/' },
      to: { path: '^src/domain/[^/]+/.*\\.repository\\.ts$', pathNot: '^src/domain/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes the modules in it one module in all but name, and load order fragile.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a layer that names another layer's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
