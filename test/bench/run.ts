// `npm run bench`: our routes against their baselines, side by side on one database, as ratios of req/s.
import { availableParallelism, loadavg } from 'node:os'
import { compare, type CompareOptions } from './compare.ts'
import { openFixture, type Fixture } from './fixture.ts'
import { BARE_PROFILE_PATH } from './bare.ts'
import { httpTarget, type Target } from './target.ts'
import { bigGroup, memberPage } from './groups.ts'
import { fanOut, groupVsOneToOne, historyDepth, oneToOneVsInsert } from './messages.ts'
import { groupStatusPage, unreadBreadth } from './reading.ts'
import { idleSockets, twoProcesses } from './scale.ts'
import { embeddedStart } from './startup.ts'
import { xsyncFanOut, xsyncSendVsRest } from './xsync.ts'

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, not ${JSON.stringify(raw)}`)
  return value
}

function settings(): CompareOptions {
  const durationSeconds = envNumber('BENCH_DURATION', 3, 1)
  return {
    durationSeconds,
    connections: envNumber('BENCH_CONNECTIONS', 10, 1),
    rounds: envNumber('BENCH_ROUNDS', 3, 1),
    warmupSeconds: durationSeconds,
    workers: envNumber('BENCH_WORKERS', 1, 0),
  }
}

function restProfile(f: Fixture): Target {
  return httpTarget({
    url: `${f.appUrl}/user/profile`,
    method: 'GET',
    headers: { 'access-token': f.user.token },
    verify(status, body) {
      const json = JSON.parse(body)
      if (status !== 200 || json.code !== 200 || json.data?.user_id !== f.user.userId) throw new Error("not the user's profile")
    },
  })
}

function bareProfile(f: Fixture): Target {
  return httpTarget({
    url: `${f.bareUrl}${BARE_PROFILE_PATH}`,
    method: 'GET',
    headers: { 'access-token': f.user.token },
    verify(status, body) {
      if (status !== 200 || JSON.parse(body).id !== f.user.userId) throw new Error("not the user's row")
    },
  })
}

function legacyReadUser(f: Fixture): Target {
  return httpTarget({
    url: `${f.appUrl}/user/user!readUser`,
    method: 'POST',
    // What an old app sends: a form post whose only parameters are the session headers.
    headers: { uid: String(f.user.userId), accessToken: f.user.token, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    verify(status, body) {
      const json = JSON.parse(body)
      if (status !== 200 || json.success !== true || String(json.data?.userVO?.userId) !== String(f.user.userId)) {
        throw new Error("not the user's userVO")
      }
    },
  })
}

/** Measures targets that hold sockets or processes, and closes them whatever the measurement did. */
async function closing<T extends { close(): Promise<void> }>(opened: Promise<T>, measure: (targets: T) => Promise<{ ratio: number }>) {
  const targets = await opened
  try {
    return await measure(targets)
  } finally {
    await targets.close()
  }
}

/**
 * One entry per comparison; `label` is what the final line prints, `goal` the ratio it should reach (or stay under,
 * `atMost`; none: the figure is only reported). An entry with a `unit` measures a figure rather than a ratio
 * (returned as `ratio` all the same). `skip` says why an entry cannot run on this database, if it cannot.
 */
interface Entry {
  label: string
  goal?: number
  atMost?: boolean
  unit?: string
  skip?(f: Fixture): string | undefined
  run(f: Fixture, options: CompareOptions): Promise<{ ratio: number }>
}

const comparisons: Entry[] = [
  {
    label: 'profile vs bare fastify+sql',
    goal: 0.8,
    run: (f, o) => compare('GET /user/profile', restProfile(f), 'bare fastify+sql', bareProfile(f), o),
  },
  {
    label: 'legacy readUser vs rest profile',
    goal: 0.95,
    run: (f, o) => compare('POST /user/user!readUser', legacyReadUser(f), 'GET /user/profile', restProfile(f), o),
  },
  {
    label: 'one-to-one send vs raw INSERT',
    goal: 0.7,
    run: async (f, o) => {
      const { a, b } = await oneToOneVsInsert(f)
      // Load generated in-process for both: the rotating bodies need it.
      return compare('POST /message/send, 100 peers', a, 'bare INSERT, 100 peers', b, { ...o, workers: 0 })
    },
  },
  {
    label: 'one-to-one send into one hot conversation vs raw INSERT',
    goal: 0.7,
    run: async (f, o) => {
      const { a, b } = await oneToOneVsInsert(f, 1)
      return compare('POST /message/send, 1 peer', a, 'bare INSERT, 1 peer', b, { ...o, workers: 0 })
    },
  },
  {
    label: 'send to a 1,000-member group vs one-to-one',
    goal: 0.5,
    run: async (f, o) => {
      const { a, b } = await groupVsOneToOne(f)
      return compare('POST /message/send (group)', a, 'POST /message/send (user)', b, o)
    },
  },
  {
    label: 'group message to 1,000 sockets vs bare ws broadcast',
    goal: 0.5,
    // One round is one message to every socket: rounds/s is the figure.
    run: (f, o) =>
      closing(fanOut(f), (targets) => compare('send + fan-out to 1,000 sockets', targets.a, 'bare ws broadcast to 1,000', targets.b, { ...o, workers: 0 })),
  },
  {
    // The web SDK's send: one upload frame until its ack, against the REST send a /ws client makes (/ws itself only receives).
    label: 'xsync send round trip vs REST send',
    goal: 0.9,
    run: (f, o) =>
      closing(xsyncSendVsRest(f), (targets) => compare('xsync upload until ack', targets.a, 'POST /message/send', targets.b, { ...o, workers: 0 })),
  },
  {
    label: 'group message to 1,000 xsync sockets vs bare ws broadcast',
    goal: 0.5,
    run: (f, o) =>
      closing(xsyncFanOut(f), (targets) =>
        compare('send + NOTICE to 1,000 xsync sockets', targets.a, 'bare ws broadcast to 1,000', targets.b, { ...o, workers: 0 }),
      ),
  },
  {
    label: 'group message to 10,000 sockets vs bare ws broadcast',
    goal: 0.5,
    run: (f, o) =>
      closing(fanOut(f, 10_000), (targets) =>
        compare('send + fan-out to 10,000 sockets', targets.a, 'bare ws broadcast to 10,000', targets.b, { ...o, workers: 0 }),
      ),
  },
  {
    label: '15,000 idle WebSockets on one process, memory each',
    goal: 20,
    atMost: true,
    unit: ' KB',
    run: async (f) => {
      const idle = await idleSockets(f)
      console.log(`\n== ${idle.sockets} idle /ws sockets, opened from a child process, on this process ==`)
      console.log(`resident set growth ${idle.rssKbEach.toFixed(1)} KB a socket; JavaScript heap growth ${idle.heapKbEach.toFixed(1)} KB a socket`)
      return { ratio: idle.rssKbEach }
    },
  },
  {
    label: '2 processes vs 1 on PostgreSQL + Redis (sends per second, same load)',
    skip: (f) => (f.databaseKind === 'postgres' && process.env.REDIS_URL ? undefined : 'needs DATABASE_URL and REDIS_URL'),
    run: (f, o) =>
      closing(twoProcesses(f), (targets) =>
        compare('POST /message/send on 2 processes', targets.two, 'POST /message/send on 1 process', targets.one, { ...o, workers: 0 }),
      ),
  },
  {
    label: 'history page latency at 1,000,000 vs 1,000 messages',
    goal: 1.2,
    atMost: true,
    run: async (f, o) => {
      const { shallow, deep } = await historyDepth(f)
      // Requests per second of the shallow over the deep one: the latency of the deep page over the shallow one.
      return compare('history page, 1,000 stored', shallow, 'history page, 1,000,000 stored', deep, o)
    },
  },
  {
    // One statement for the whole list: 200 conversations cost the counting, not 200 round trips.
    label: '/message/unread latency, 200 conversations vs 1',
    goal: 2.0,
    atMost: true,
    run: async (f, o) => {
      const { one, many } = await unreadBreadth(f)
      return compare('/message/unread, 1 conversation', one, '/message/unread, 200 conversations', many, o)
    },
  },
  {
    // Status from one aggregate over the members' read marks, not from the member list.
    label: 'history page latency with status, 1,000-member group vs a pair',
    goal: 1.5,
    atMost: true,
    run: async (f, o) => {
      const { group, pair } = await groupStatusPage(f)
      return compare('history page, pair', pair, 'history page, 1,000-member group', group, o)
    },
  },
  {
    label: 'embedded start to ready on an existing data folder',
    goal: 3,
    atMost: true,
    unit: ' s',
    run: async () => {
      const start = await embeddedStart()
      console.log(`\n== embedded start to ready (${start.what}, a temporary DATA_DIR, until /readyz answers 200) ==`)
      const show = (s: { seconds: number; cpuSeconds: number | null }) =>
        `${s.seconds.toFixed(2)} s${s.cpuSeconds === null ? '' : ` (${s.cpuSeconds.toFixed(2)} s of CPU)`}`
      console.log(`first start (creates and migrates the database): ${show(start.first)}`)
      console.log(`on the existing folder: ${start.existing.map(show).join(', ')}; median ${start.median.toFixed(2)} s`)
      return { ratio: start.median }
    },
  },
  {
    // Keyset paging: the last page of a 5,000-member group costs what the first does.
    label: 'member_list last page vs first page (5,000 members)',
    goal: 0.9,
    run: async (f, o) => {
      const group = await bigGroup(f)
      return compare('member_list last page', memberPage(f, group, 'last'), 'member_list first page', memberPage(f, group, 'first'), o)
    },
  },
]

async function main(): Promise<void> {
  const options = settings()
  const fixture = await openFixture()
  // Ctrl-C mid-run still removes the temporary database directory.
  process.once('SIGINT', () => {
    fixture.close().then(
      () => process.exit(130),
      (error: unknown) => {
        console.error(error)
        process.exit(130)
      },
    )
  })
  try {
    console.log(
      `im-gateway bench: ${fixture.databaseKind}${process.env.REDIS_URL ? ' + redis' : ''}, ` +
        `${options.connections} connections, ${options.durationSeconds} s per measurement, ${options.rounds} rounds, ` +
        `${options.workers === 0 ? 'load generated in-process' : `${options.workers} load worker thread(s)`}`,
    )
    // Other work on the machine moves every figure; say how busy it was so a reader can judge.
    console.log(`machine: ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)} at start`)
    const ratios: Array<{ entry: Entry; ratio: number }> = []
    // BENCH_ONLY=word runs the comparisons whose label contains it.
    const only = process.env.BENCH_ONLY
    for (const entry of comparisons.filter((e) => !only || e.label.includes(only))) {
      const skipped = entry.skip?.(fixture)
      if (skipped) console.log(`\n== ${entry.label}: skipped (${skipped}) ==`)
      else ratios.push({ entry, ratio: (await entry.run(fixture, options)).ratio })
    }

    console.log('')
    for (const { entry, ratio } of ratios) console.log(`${entry.label}: ${ratio.toFixed(2)}${entry.unit ?? ''}`)
    const verdict = ({ entry, ratio }: { entry: Entry; ratio: number }) => {
      if (entry.goal === undefined) return `${entry.label} (reported)`
      const met = entry.atMost ? ratio <= entry.goal : ratio >= entry.goal
      return `${entry.label} ${entry.atMost ? '≤' : '≥'} ${entry.goal}${entry.unit ?? ''} (${met ? 'met' : 'missed'})`
    }
    console.log(`targets: ${ratios.map(verdict).join(', ')}`)
    // The figures are only as good as the machine was quiet: the load again, over the run.
    console.log(
      `machine: load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} (1 / 5 / 15 min) at the end`,
    )
  } finally {
    await fixture.close()
  }
}

// A missed target is a finding, not a failure: only errors (wrong answers, failed requests) exit non-zero.
main().catch((error) => {
  console.error('bench failed:', error)
  process.exitCode = 1
})
