// The layers of backfill-monitor, enforced by `npm run lint` (depcruise): imports point down only.
//
//   entry points   server/main.ts, app.ts, cli.ts; jobs/worker.ts, jobs/start.ts (bin/backfill.js runs cli.ts's build)
//   jobs           jobs/ (scheduler, runner, the scheduled jobs)
//   faces          route modules, CLI modules, server/http/, server/dashboard/, HTTP middleware
//   services       server/{actions,auth,audit,programme,progress,reports,snapshots,demo,metrics}/ (what is not a face)
//   engine         server/engine/ — the pure calculation
//   base           server/{errors,outage,logger,config,safe-csv}.ts
//   database       db/ (connection, dialect, migrations, queries)
const FACE =
  '(^server/(http|dashboard)/|(^|/)(routes|[a-z-]+-routes|[a-z-]+-route|cli|cli-support|page-support|csv-upload|http-upload|multipart-upload)\\.ts$|^server/auth/(session|session-store|csrf|identify|access)\\.ts$)';
const ENTRY = '^(server/(main|app|cli)\\.ts|jobs/(worker|start)\\.ts)$';
const BASE = '^server/(errors|outage|logger|config|safe-csv)\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'database-is-the-bottom',
      comment: 'db/ knows nothing of the app: no server/ or jobs/ import, not even a type',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(server|jobs)/' },
    },
    {
      name: 'engine-is-pure',
      comment: 'the calculation imports only itself (and libraries): no database, HTTP or services',
      severity: 'error',
      from: { path: '^server/engine/' },
      to: { path: '^(server/(?!engine/)|db/|jobs/)' },
    },
    {
      name: 'base-imports-nothing-above',
      severity: 'error',
      from: { path: BASE },
      to: { path: '^(server/(?!(errors|outage|logger|config|safe-csv)\\.ts$)|jobs/)', pathNot: '^server/engine/' },
    },
    {
      name: 'services-below-faces',
      comment: 'a service never imports a route, a CLI module, HTTP plumbing, a job or an entry point',
      severity: 'error',
      from: { path: '^server/(actions|auth|audit|programme|progress|reports|snapshots|demo|metrics)/', pathNot: FACE },
      to: { path: [FACE, ENTRY, '^jobs/'] },
    },
    {
      name: 'faces-below-entry-points',
      severity: 'error',
      from: { path: FACE, pathNot: ENTRY },
      to: { path: [ENTRY, '^jobs/'] },
    },
    {
      name: 'jobs-below-entry-points',
      severity: 'error',
      from: { path: '^jobs/', pathNot: ENTRY },
      to: { path: [ENTRY, FACE] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(server|db|jobs)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js'] },
  },
};
