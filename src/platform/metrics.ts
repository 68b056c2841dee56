// Prometheus metrics of this process (prom-client): requests, sockets, doorbell lag, the database pool, send dedupe hits, Node's own.
import type PromClient from 'prom-client'
import type { Database } from './db.ts'
import { lazily } from './lazy.ts'

/** Loaded by the first createMetrics: without METRICS_TOKEN nothing is counted, and a start need not load it. */
const loadPromClient = lazily<typeof PromClient>('prom-client')

/** Records one answered request of one route: its labels were fixed when the route was declared. */
export type RequestRecorder = (method: string, statusCode: number, seconds: number) => void

export interface Metrics {
  /** The text exposition format, and its content type. */
  render(): Promise<string>
  readonly contentType: string
  /** A recorder for the requests of one route (the route's pattern, never a URL) on one surface. */
  requests(surface: string, route: string): RequestRecorder
  socketOpened(): void
  socketClosed(): void
  /**
   * A doorbell reached this process. `publishedAt` is the publisher's wall clock (epoch ms); doorbells of a
   * process of an earlier version carry none and are not measured.
   */
  doorbellArrived(channel: string, publishedAt: number | undefined): void
  /** A send repeated a transaction_id and was answered from the dedupe table. */
  sendDeduplicated(): void
}

/** Latency buckets in seconds: a fast read is a millisecond or two, a slow upload seconds. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** Doorbells cross Redis in well under a millisecond on one host; seconds mean Redis or the event loop is stuck. */
const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const

/** One registry per app (tests run several apps in one process), with Node's default process metrics. */
export function createMetrics(database: Database): Metrics {
  const { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } = loadPromClient()
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'im_http_request_duration_seconds',
    help: 'HTTP requests by surface, route pattern, method and status class: time from receiving the request to the end of the answer (_count is the number of requests)',
    labelNames: ['surface', 'route', 'method', 'status'],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  })
  const sockets = new Gauge({ name: 'im_ws_open_sockets', help: 'WebSockets open on this process (/ws)', registers: [registry] })
  const lag = new Histogram({
    name: 'im_bus_delivery_lag_seconds',
    help: "Doorbells by channel: from publishing (the publisher's clock) to reaching this process (its clock)",
    labelNames: ['channel'],
    buckets: LAG_BUCKETS,
    registers: [registry],
  })
  const lagLabels = new Map<string, { channel: string }>()
  const dedupeHits = new Counter({
    name: 'im_send_dedupe_hits_total',
    help: 'Sends that repeated a transaction_id and were answered with the first send’s msg_ids, storing nothing',
    registers: [registry],
  })
  const poolGauge = (name: string, help: string, read: (stats: ReturnType<Database['pool']>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['database'],
      registers: [registry],
      collect() {
        this.set({ database: database.kind }, read(database.pool()))
      },
    })
  poolGauge('im_db_pool_connections', 'Database connections open (PGlite: its one session)', (stats) => stats.total)
  poolGauge('im_db_pool_idle_connections', 'Database connections open and not lent to a query or transaction', (stats) => stats.idle)
  poolGauge('im_db_pool_waiting', 'Queries and transactions waiting for a connection (PGlite: for its one session)', (stats) => stats.waiting)

  return {
    render: () => registry.metrics(),
    contentType: registry.contentType,
    requests(surface, route) {
      // Label objects per method and status class, made once: an answered request only looks one up and observes.
      const byMethod = new Map<string, Array<Record<string, string>>>()
      return (method, statusCode, seconds) => {
        let classes = byMethod.get(method)
        if (!classes) byMethod.set(method, (classes = STATUS_CLASSES.map((status) => ({ surface, route, method, status }))))
        const labels = classes[Math.min(Math.max(Math.floor(statusCode / 100), 1), 5) - 1]!
        duration.observe(labels, seconds)
      }
    },
    socketOpened: () => sockets.inc(),
    socketClosed: () => sockets.dec(),
    doorbellArrived(channel, publishedAt) {
      if (typeof publishedAt !== 'number') return
      let labels = lagLabels.get(channel)
      if (!labels) lagLabels.set(channel, (labels = { channel }))
      // Clocks of two hosts differ a little: a doorbell that seems to arrive before it left took no time.
      lag.observe(labels, Math.max(0, Date.now() - publishedAt) / 1000)
    },
    sendDeduplicated: () => dedupeHits.inc(),
  }
}
