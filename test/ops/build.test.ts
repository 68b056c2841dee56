// The production build: `npm run build` compiles to JavaScript that starts without a loader, finds its migrations and pictures, and needs only production dependencies.
import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
// A build (tsc, several seconds of CPU) and a first start on a new embedded database.
t.setTimeout(180_000)

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(dir, name)).isFile())
}

/** The package a bare import specifier names ('typebox/value' → 'typebox', '@fastify/cors' → '@fastify/cors'). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

t.test('npm run build compiles a tree that runs on node alone', async (t) => {
  // Inside the repository (under node_modules/.cache), as dist/ is: the compiled code finds the
  // packages in node_modules/ by walking up from its own folder.
  const out = join(root, 'node_modules', '.cache', 'im-gateway-test', `build-${randomBytes(4).toString('hex')}`)
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  t.match(pkg.scripts.build, /^node scripts\/build\.mjs$/, 'npm run build runs the build script (into dist/ by default)')
  // A clean environment: not tap's NODE_OPTIONS (its loaders), as `npm run build` runs.
  const buildStarted = Date.now()
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), out], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  t.equal(build.status, 0, `the build succeeds: ${build.stderr}${build.stdout}`)
  const buildMs = Date.now() - buildStarted

  const entry = pkg.scripts['start:prod']?.match(/^node (dist\/\S+\.js)$/)?.[1]
  t.ok(entry, 'npm run start:prod runs a compiled file of dist/ with node, no loader')
  const compiledEntry = join(out, entry!.slice('dist/'.length))
  t.ok(existsSync(compiledEntry), `the build produces ${entry}`)
  const migrate = pkg.scripts['migrate:prod']?.match(/^node (dist\/\S+\.js)$/)?.[1]
  t.ok(migrate && existsSync(join(out, migrate.slice('dist/'.length))), `the build produces ${migrate} (npm run migrate:prod)`)

  const migrations = readdirSync(join(root, 'migrations'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.replace(/\.ts$/, '.js'))
  t.ok(migrations.length > 0)
  t.same(
    readdirSync(join(out, 'migrations'))
      .filter((name) => name.endsWith('.js'))
      .sort(),
    migrations.sort(),
    'every migration is compiled beside the code (found two folders up, as from src/)',
  )
  t.same(readdirSync(join(out, 'assets')).sort(), readdirSync(join(root, 'assets')).sort(), 'the default pictures are copied beside the code')
  const protoDir = join('src', 'surfaces', 'xsync', 'proto')
  t.same(readdirSync(join(out, protoDir)).sort(), readdirSync(join(root, protoDir)).sort(), 'the xsync .proto files are copied beside the compiled codec')

  const compiled = filesUnder(out).filter((name) => name.endsWith('.js'))
  t.same(
    filesUnder(out).filter((name) => /\.(ts|mts|cts)$/.test(name)),
    [],
    'no TypeScript in the output',
  )
  const tsImports: string[] = []
  const packages = new Set<string>()
  const vendored = new Set<string>()
  // vendor/ holds TypeBox and Kysely bundled by esbuild (fewer files to load at start): not compiled code, not scanned.
  for (const name of compiled.filter((name) => !name.startsWith('vendor/'))) {
    const text = readFileSync(join(out, name), 'utf8')
    for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
      const specifier = match[1]!
      if (specifier.startsWith('.')) {
        if (/\.ts$/.test(specifier)) tsImports.push(`${name}: ${specifier}`)
        const bundle = /\/vendor\/([^/]+)\.js$/.exec(specifier)?.[1]
        if (bundle) vendored.add(bundle)
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        packages.add(packageOf(specifier))
      }
    }
  }
  t.same(tsImports, [], 'relative imports were rewritten to .js')
  t.ok(packages.has('fastify'), 'the scan sees the compiled imports')
  t.same([...vendored].sort(), ['kysely', 'typebox'], 'TypeBox and Kysely are imported from their bundles in vendor/')
  t.notOk(packages.has('kysely') || packages.has('typebox'), 'and not also from node_modules (a second copy to load)')
  t.ok(
    ['kysely', 'typebox'].every((name) => name in pkg.dependencies),
    'both stay production dependencies (tsx runs src/)',
  )
  // The image's runtime stage installs with --omit=dev: a package only in devDependencies would be missing there.
  t.same([...packages].filter((name) => !(name in pkg.dependencies)).sort(), [], 'every package the compiled code imports is a production dependency')

  // ---- the compiled server on the embedded default ----
  const startStarted = Date.now()
  const dataDir = mkdtempSync(join(tmpdir(), 'im-gateway-build-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, [compiledEntry], {
    // Not the repository: nothing may be found relative to the working directory.
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ADMIN_TOKEN: 'build-test-admin-token-0123456789abcdef',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the compiled server did not listen within 90 s: ${stderr}`)), 90_000)
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const found = stdout.match(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/)?.[1]
      if (found) {
        clearTimeout(timer)
        resolve(Number(found))
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`the compiled server exited (${code}): ${stderr}`))
    })
  })
  const startMs = Date.now() - startStarted
  const base = `http://127.0.0.1:${port}`
  const ready = await fetch(`${base}/readyz`)
  t.equal(ready.status, 200)
  t.same(await ready.json(), { status: 'ok', database: 'ok', redis: 'not configured' }, '/readyz: the compiled server is ready on the embedded default')
  // Registration writes to tables the compiled migrations created.
  const username = `build_${randomBytes(3).toString('hex')}`
  const register = await fetch(`${base}/user/register/v2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'secret-pw' }),
  })
  t.match(await register.json(), { code: 200, data: { user_id: Number } }, 'a REST registration through the compiled server')
  const login = await fetch(`${base}/token/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: username, password: 'secret-pw' }),
  })
  const token = ((await login.json()) as { data: { token: string } }).data.token
  const profile = await fetch(`${base}/user/profile`, { headers: { 'access-token': token } })
  t.match(await profile.json(), { code: 200, data: { username } }, 'and a read with the token it issued')
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM closes it cleanly')
  t.notMatch(stderr, /tsx|ExperimentalWarning/, 'no loader involved')
  t.comment(`compiled ${compiled.length} files into ${relative(root, out)} in ${buildMs} ms; first start on a new embedded database in ${startMs} ms`)
})
