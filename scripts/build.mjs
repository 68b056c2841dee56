// npm run build: compiles src/ and migrations/ to JavaScript in dist/ (or the folder given) and copies assets/ beside them.
// Plain JavaScript so that it runs on any Node without a loader. The output keeps the repository's
// layout (dist/src, dist/migrations, dist/assets): the code finds migrations/ and assets/ two folders
// up from its own file, as it does from src/, so the compiled tree needs no path of its own.
import { spawnSync } from 'node:child_process'
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = resolve(root, process.argv[2] ?? 'dist')

rmSync(outDir, { recursive: true, force: true })
// The package's own launcher, which runs the platform's native compiler. lib/tsc.js rather than
// bin/tsc: a file without an extension is taken for CommonJS by a require hook (tap's, in the test).
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'lib', 'tsc.js')
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root, stdio: 'inherit' })
if (run.status !== 0) {
  process.stderr.write(`build: tsc failed (${run.status ?? run.signal})\n`)
  process.exit(1)
}
vendor(['typebox', 'kysely'])
cpSync(join(root, 'assets'), join(outDir, 'assets'), { recursive: true })
// The xsync wire schema is read at run time (protobufjs loads the .proto files beside the compiled codec).
cpSync(join(root, 'src', 'surfaces', 'xsync', 'proto'), join(outDir, 'src', 'surfaces', 'xsync', 'proto'), { recursive: true })
process.stdout.write(`build: compiled to ${outDir}\n`)

/**
 * TypeBox and Kysely ship as ~370 and ~260 small ES modules, which Node opens, reads and compiles one by one at start
 * (~0.15 s of CPU each); bundled into one file apiece (dist/vendor) they load in ~0.015 s. The compiled code imports the
 * bundles instead of the packages. Nothing else that runs imports either package, so no second copy is loaded.
 */
function vendor(names) {
  const esbuild = join(dirname(createRequire(import.meta.url).resolve('esbuild/package.json')), 'bin', 'esbuild')
  const vendorDir = join(outDir, 'vendor')
  for (const name of names) {
    const bundled = spawnSync(esbuild, ['--bundle', '--format=esm', '--platform=node', '--log-level=warning', `--outfile=${join(vendorDir, `${name}.js`)}`], {
      cwd: root,
      input: `export * from '${name}'\n`,
      stdio: ['pipe', 'inherit', 'inherit'],
    })
    if (bundled.status !== 0) {
      process.stderr.write(`build: bundling ${name} failed (${bundled.status ?? bundled.signal})\n`)
      process.exit(1)
    }
  }
  const specifier = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)(['"])(${names.join('|')})\\2`, 'g')
  for (const folder of ['src', 'migrations']) {
    for (const name of readdirSync(join(outDir, folder), { recursive: true, encoding: 'utf8' })) {
      if (!name.endsWith('.js')) continue
      const file = join(outDir, folder, name)
      const text = readFileSync(file, 'utf8')
      const rewritten = text.replace(specifier, (_all, before, quote, pkg) => {
        const target = relative(dirname(file), join(vendorDir, `${pkg}.js`))
          .split(sep)
          .join('/')
        return `${before}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`
      })
      if (rewritten !== text) writeFileSync(file, rewritten)
    }
  }
}
