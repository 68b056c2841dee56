// npm run build: compiles src/ and migrations/ to JavaScript in dist/ (or the folder given) and copies assets/ beside them.
// Plain JavaScript so that it runs on any Node without a loader. The output keeps the repository's
// layout (dist/src, dist/migrations, dist/assets): the code finds migrations/ and assets/ two folders
// up from its own file, as it does from src/, so the compiled tree needs no path of its own.
import { spawnSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
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
cpSync(join(root, 'assets'), join(outDir, 'assets'), { recursive: true })
// The xsync wire schema is read at run time (protobufjs loads the .proto files beside the compiled codec).
cpSync(join(root, 'src', 'surfaces', 'xsync', 'proto'), join(outDir, 'src', 'surfaces', 'xsync', 'proto'), { recursive: true })
process.stdout.write(`build: compiled to ${outDir}\n`)
