// What can be checked of the Dockerfile, .dockerignore, docker-compose.yml and deploy/haproxy.cfg without Docker: every path exists and agrees with the build, the scripts and each other.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { checkConfig, haproxyBinary } from '../helpers/balancer.ts'

const root = join(import.meta.dirname, '..', '..')
const read = (name: string) => readFileSync(join(root, name), 'utf8')
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> }

interface Instruction {
  keyword: string
  args: string
}
interface Stage {
  name?: string
  image: string
  instructions: Instruction[]
}

/** The Dockerfile's instructions by stage, continuation lines joined, ARG defaults substituted in FROM. */
function dockerfileStages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
  const args = new Map<string, string>()
  const stages: Stage[] = []
  for (const line of lines) {
    const [, keyword = '', rest = ''] = line.match(/^(\S+)\s*(.*)$/) ?? []
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ') }
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=')
      args.set(name, value)
    } else if (instruction.keyword === 'FROM') {
      const [image = '', , name] = rest.split(/\s+/)
      stages.push({ image: image.replace(/\$\{(\w+)\}/g, (_, arg: string) => args.get(arg) ?? ''), name, instructions: [] })
    } else {
      stages.at(-1)?.instructions.push(instruction)
    }
  }
  return stages
}

/** Docker's reading of .dockerignore: patterns from the context root, `**` any depth, `!` re-includes, the last match decides. */
function dockerIgnored(patterns: string[], path: string): boolean {
  const toRegExp = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/^\/+/, '')
        .replace(/\/+$/, '')
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) => {
          if (part === '**/' || part === '**') return '(?:.*/)?'
          if (part === '*') return '[^/]*'
          if (part === '?') return '[^/]'
          return part.replace(/[.+^${}()|[\]\\]/g, '\\$&')
        })
        .join('')}$`,
    )
  const segments = path.split('/')
  // A path is ignored when it or a folder above it matches.
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'))
  let ignored = false
  for (const line of patterns) {
    const negated = line.startsWith('!')
    const regExp = toRegExp(negated ? line.slice(1) : line)
    if (candidates.some((candidate) => regExp.test(candidate))) ignored = !negated
  }
  return ignored
}

const stages = dockerfileStages(read('Dockerfile'))
const [buildStage, runtime] = [stages[0]!, stages.at(-1)!]
const ignorePatterns = read('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args)
const envOf = (stage: Stage) => new Map(of(stage, 'ENV').flatMap((args) => [...args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!] as const)))
/** The sources of COPY instructions without --from (paths in the build context). */
const contextCopies = (stage: Stage) =>
  of(stage, 'COPY')
    .filter((args) => !args.startsWith('--from'))
    .flatMap((args) => args.split(' ').slice(0, -1))

t.test('the image: a build stage and a runtime stage on a supported Node.js LTS', async (t) => {
  t.equal(stages.length, 2, 'two stages')
  t.equal(buildStage.name, 'build')
  for (const stage of stages) {
    const major = Number(stage.image.match(/^node:(\d+)-/)?.[1])
    t.ok(major >= 22 && major % 2 === 0, `${stage.image}: an LTS line of Node.js still supported (22 or later, even), not this machine's Node 20`)
  }
  t.equal(buildStage.image, runtime.image, 'both stages on one image, so the platform binaries npm picks suit the runtime')
})

t.test('the build stage installs everything and runs npm run build with every file the build reads', async (t) => {
  const runs = of(buildStage, 'RUN')
  t.ok(
    runs.some((args) => /^npm ci\b/.test(args) && !args.includes('--omit=dev')),
    'npm ci with the dev dependencies (TypeScript)',
  )
  t.ok(
    runs.some((args) => args === 'npm run build'),
    'npm run build',
  )
  const copied = new Set(contextCopies(buildStage).map((path) => path.replace(/\/$/, '')))
  const tsconfig = JSON.parse(read('tsconfig.build.json')) as { extends?: string; include: string[] }
  const scriptFile = pkg.scripts.build?.match(/^node (\S+)$/)?.[1]
  const needed = [
    'package.json',
    'package-lock.json',
    'tsconfig.build.json',
    tsconfig.extends!.replace(/^\.\//, ''),
    ...tsconfig.include,
    scriptFile!.split('/')[0]!,
    'assets',
  ]
  t.same(
    needed.filter((path) => !copied.has(path)),
    [],
    `copied into the build stage: ${needed.join(', ')}`,
  )
})

t.test('the runtime stage: production dependencies, the compiled tree, a non-root user, /readyz, the data volume', async (t) => {
  const runs = of(runtime, 'RUN')
  t.ok(
    runs.some((args) => /^npm ci .*--omit=dev/.test(args)),
    'npm ci --omit=dev',
  )
  t.same(contextCopies(runtime), ['package.json', 'package-lock.json'], 'from the context only what npm ci needs')
  t.same(
    of(runtime, 'COPY').filter((args) => args.startsWith('--from')),
    ['--from=build /app/dist ./dist'],
    'the compiled tree from the build stage',
  )
  t.same(of(buildStage, 'WORKDIR'), ['/app'], 'the build stage works in /app, so /app/dist is where npm run build writes (dist/ by default)')
  const user = of(runtime, 'USER')
  t.same(user, ['node'], "runs as the image's unprivileged user")
  const cmd = JSON.parse(of(runtime, 'CMD')[0] ?? 'null') as string[]
  t.same(cmd, pkg.scripts['start:prod']!.split(' '), `CMD (exec form, node as PID 1 gets SIGTERM) is npm run start:prod's command: ${cmd?.join(' ')}`)
  t.match(cmd[1], /^dist\/.+\.js$/, 'a compiled file (test/ops/build.test.ts checks the build produces it)')
  const health = of(runtime, 'HEALTHCHECK')[0] ?? ''
  t.match(health, /\/readyz/, 'the health check asks /readyz')
  const env = envOf(runtime)
  t.equal(env.get('HOST'), '0.0.0.0', 'listens on every interface of the container')
  t.match(of(runtime, 'VOLUME')[0], new RegExp(`"${env.get('DATA_DIR')}"`), 'DATA_DIR is a volume')
  t.same(of(runtime, 'EXPOSE'), [env.get('PORT')], 'EXPOSE is the PORT it listens on')
})

t.test('.dockerignore keeps out what must not reach the image and nothing the Dockerfile copies', async (t) => {
  const copies = stages.flatMap(contextCopies)
  t.same(
    copies.filter((path) => !existsSync(join(root, path))),
    [],
    'every path the Dockerfile copies exists',
  )
  t.same(
    copies.filter((path) => dockerIgnored(ignorePatterns, path.replace(/\/$/, ''))),
    [],
    'and none of them is ignored',
  )
  for (const path of ['dist', 'node_modules', 'src/node_modules', '.git', '.env', '.env.production', 'data', 'test']) {
    t.ok(dockerIgnored(ignorePatterns, path), `${path} stays out of the build context`)
  }
  t.notOk(dockerIgnored(ignorePatterns, 'src/platform/db.ts'), 'the matcher is not ignoring everything')
})

t.test('docker-compose.yml: gateways behind HAProxy with the repository config, on PostgreSQL and Redis', async (t) => {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
    services: Record<
      string,
      {
        build?: string
        image?: string
        environment?: Record<string, string>
        volumes?: string[]
        networks?: Record<string, { ipv4_address?: string }> | string[]
        depends_on?: Record<string, { condition: string }>
      }
    >
    networks: Record<string, { ipam: { config: Array<{ subnet: string }> } }>
  }
  const services = compose.services
  const gateways = Object.keys(services)
    .filter((name) => /^gateway-\d+$/.test(name))
    .sort()
  t.ok(gateways.length >= 2, `several gateways: ${gateways.join(', ')}`)
  const balancer = services.balancer!
  const balancerAddress = (balancer.networks as Record<string, { ipv4_address?: string }>).backend?.ipv4_address
  t.ok(balancerAddress, 'the balancer has a fixed address on the backend network')
  const subnet = compose.networks.backend!.ipam.config[0]!.subnet
  t.equal(balancerAddress!.split('.').slice(0, 3).join('.'), subnet.split('.').slice(0, 3).join('.'), `inside the network's range ${subnet}`)
  for (const name of gateways) {
    const env = services[name]!.environment ?? {}
    t.equal(services[name]!.build, '.', `${name} is this repository's image`)
    t.match(env.DATABASE_URL, /^postgres:\/\/[^@]+@postgres:5432\//, `${name}: the compose PostgreSQL`)
    t.equal(env.REDIS_URL, 'redis://redis:6379', `${name}: the compose Redis`)
    t.equal(env.TRUST_PROXY, balancerAddress, `${name}: TRUST_PROXY names the balancer, so only it may name the client in X-Forwarded-For`)
    t.match(services[name]!.depends_on, { postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } })
    t.match(
      env,
      { STORAGE: 's3', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'true' },
      `${name}: stored files in the compose MinIO, which every gateway reaches`,
    )
    t.match(services[name]!.depends_on, { 'minio-bucket': { condition: 'service_completed_successfully' } }, `${name}: starts once the bucket exists`)
  }
  t.ok('minio' in services, 'a MinIO service')
  t.ok(
    ['postgres', 'redis'].every((name) => name in services),
    'PostgreSQL and Redis services',
  )
  t.ok(balancer.image?.startsWith('haproxy:'), 'HAProxy')
  const mount = (balancer.volumes ?? []).find((volume) => volume.endsWith(':/usr/local/etc/haproxy/haproxy.cfg:ro'))
  t.equal(mount?.split(':')[0], './deploy/haproxy.cfg', "mounts the repository's config, the file the balancer test runs")
  t.same(
    gateways.map((name, i) => balancer.environment?.[`GATEWAY_${i + 1}`]),
    gateways.map((name) => `${name}:8080`),
    'GATEWAY_n names each gateway service',
  )
  t.same(Object.keys(balancer.depends_on ?? {}).sort(), gateways, 'the balancer waits for the gateways')

  const config = read('deploy/haproxy.cfg')
  for (const backend of ['ready', 'live']) {
    const section = config.split(/^backend /m).find((part) => part.startsWith(`${backend}\n`)) ?? ''
    const servers = [...section.matchAll(/^\s*server (\S+) "\$\{(\w+)-([^}]+)\}"/gm)].map((m) => ({ name: m[1], variable: m[2], fallback: m[3] }))
    t.same(
      servers,
      gateways.map((name, i) => ({ name, variable: `GATEWAY_${i + 1}`, fallback: `${name}:8080` })),
      `backend ${backend}: one server per gateway service, address from GATEWAY_n`,
    )
    t.match(section, /^\s*balance (leastconn|roundrobin)$/m, `backend ${backend}: leastconn or roundrobin, no stickiness`)
  }
  t.match(config, /^\s*http-check send meth GET uri \/readyz /m, 'the ready pool is health-checked on /readyz')
  t.match(config, /^\s*timeout tunnel \d+[smh]$/m, 'a tunnel timeout for WebSockets')
  t.match(config, /^\s*option forwardfor$/m, 'X-Forwarded-For is added')
  t.match(
    config,
    /^\s*http-request deny if \{ path,url_dec -m reg \^\/metrics\/\?\$ \}$/m,
    '/metrics is refused at the balancer (each gateway is scraped at its own address)',
  )
  t.match(config, /^\s*bind "\$\{BALANCER_BIND-:8080\}"$/m, 'listens on :8080 unless told otherwise')
  t.match(balancer.environment?.BALANCER_BIND, ':8080')
  t.ok((balancer as { ports?: string[] }).ports?.includes('8080:8080'), 'published on 8080')
})

t.test('deploy/haproxy.cfg is valid for the HAProxy installed here', { skip: haproxyBinary() ? false : 'haproxy is not installed' }, async (t) => {
  const checked = checkConfig(['127.0.0.1:18081', '127.0.0.1:18082'])
  t.equal(checked.status, 0, checked.output)
})
