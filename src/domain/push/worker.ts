// The push worker: claims due outbox rows (SKIP LOCKED, with a lease), expands a message into per-device notifications, sends, retries, cleans up.
import type { DomainContext } from '../context.ts'
import type { PushProviders } from '../../platform/push/providers.ts'
import type { PushCredentialsByProvider, PushNotification, PushProviderName, PushResult } from '../../platform/push/types.ts'
import { claimDue, defer, deleteRow, reschedule, type OutboxRow } from './outbox.repository.ts'
import type { PushDirectory } from './push-directory.ts'
import type { PushCredentialSource } from './credential-source.ts'
import {
  PROVIDERS,
  PUSHING_TYPES,
  backoffMs,
  badgeChange,
  composeMessageNotification,
  composeTaskNotification,
  decide,
  hourIn,
  mentions,
  routeOf,
  strategyOf,
} from './notifications.ts'
import { findDeliverableTask } from './push-tasks.repository.ts'
import { addCounts } from './push-task-counts.repository.ts'
import type { PushAudience, PushTargetDevice } from '../accounts/devices.service.ts'
import { PUSH_TASKS_CHANNEL, ring } from '../events.ts'

export interface PushWorkerSettings {
  /** Rows one claim takes. */
  batchSize: number
  /** How long a claimed row stays with its worker before another may take it (a worker that died). */
  leaseSeconds: number
  /** First retry delay; doubles each attempt up to retryMaxMs. */
  retryBaseMs: number
  retryMaxMs: number
  /** Attempts after which a row is given up (the devices still failing get nothing). */
  maxAttempts: number
  /** IANA zone of the users' no-disturb and silence hours. */
  timeZone: string
  /**
   * How long a recipient with a live socket has to acknowledge a message (its delivered mark reaching the
   * message) before its devices are pushed to anyway: the `combined` strategy of message notifications.
   */
  ackWindowMs: number
}

export interface PushLog {
  warn(details: Record<string, unknown>, message: string): void
}

type Failure = { retryAfterSeconds?: number }

/** What one pass over a row left: a failure to retry, and whether recipients still have time to acknowledge. */
interface Pass {
  failure?: Failure
  waiting?: boolean
}

/** Both failures as one: retry after the longer wait. */
function mergeFailure(a: Failure | undefined, b: Failure | undefined): Failure | undefined {
  if (!a || !b) return a ?? b
  return { retryAfterSeconds: Math.max(a.retryAfterSeconds ?? 0, b.retryAfterSeconds ?? 0) }
}

export class PushWorker {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  private stopped = false

  constructor(
    private readonly ctx: Pick<DomainContext, 'db' | 'bus' | 'now'>,
    private readonly directory: PushDirectory,
    private readonly providers: PushProviders,
    private readonly credentials: PushCredentialSource,
    private readonly settings: PushWorkerSettings,
    private readonly log: PushLog,
  ) {}

  /** Runs every `intervalMs` (and at once again while batches come back full) until stop(). */
  start(intervalMs: number): void {
    this.stopped = false
    const tick = async () => {
      let full = true
      while (full && !this.stopped) {
        this.running = this.runOnce()
        const taken = await (this.running as Promise<number>).catch((error: unknown) => {
          this.log.warn({ err: error }, 'push worker round failed; the next one will try again')
          return 0
        })
        full = taken >= this.settings.batchSize
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), intervalMs)
    }
    this.timer = setTimeout(() => void tick(), intervalMs)
  }

  /** Stops the timer and waits for the batch in hand: its rows are finished (sent, rescheduled or deleted), none left leased. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running?.catch(() => {})
  }

  /** One claim and its rows; returns how many rows were taken. */
  async runOnce(): Promise<number> {
    const rows = await claimDue(this.ctx.db, ['message', 'task'], this.settings.batchSize, this.settings.leaseSeconds, this.settings.ackWindowMs)
    for (const row of rows) await this.process(row)
    return rows.length
  }

  private async process(row: OutboxRow): Promise<void> {
    const done = new Set(row.payload.done ?? [])
    let failure: Failure | undefined
    let waiting = false
    try {
      if (row.kind === 'message' && row.messageId !== null) ({ failure, waiting = false } = await this.sendMessage(row, done))
      else if (row.kind === 'task' && row.taskId !== null) failure = await this.sendTask(row, done)
    } catch (error) {
      this.log.warn({ err: error, outboxId: row.id }, 'push of an outbox row failed; it will be retried')
      failure = {}
    }
    if (waiting && !failure) {
      // Back when the window closes: those whose socket acknowledged by then are skipped, the others pushed.
      await defer(this.ctx.db, row.id, row.ackWaitMs, { done: [...done] })
      return
    }
    const attempt = row.attempts + 1
    if (failure && attempt < this.settings.maxAttempts) {
      await reschedule(this.ctx.db, row.id, backoffMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxMs, failure.retryAfterSeconds), {
        ...row.payload,
        done: [...done],
      })
      return
    }
    if (failure) this.log.warn({ outboxId: row.id, attempts: attempt }, 'push given up after the last attempt')
    await deleteRow(this.ctx.db, row.id)
  }

  /**
   * Sends the message to every device that should hear of it; `done` collects the devices served. A recipient
   * who holds the message (delivered mark at or past it, from any real-time surface, or read) is not pushed to;
   * one with a live socket is given until the acknowledgement window closes (`waiting`), then pushed to.
   */
  private async sendMessage(row: OutboxRow, done: Set<number>): Promise<Pass> {
    const d = this.directory
    const m = await d.message(row.appId, row.messageId!)
    if (!m || m.recalled || !PUSHING_TYPES.includes(m.contentType)) return {}
    const hour = hourIn(this.ctx.now(), this.settings.timeZone)
    let failure: Failure | undefined
    let waiting = false
    let names: { sender: string; group?: string } | undefined
    for (const userId of await d.recipients(row.appId, m)) {
      const devices = (await d.devices(userId)).filter((device) => !done.has(device.deviceId))
      if (devices.length === 0 || (await d.hasDelivered(m.conversationId, userId, m.seq))) continue
      if (await d.isOnline(userId)) {
        // No window: a live socket counts as reached. Else wait for its acknowledgement until the window closes.
        if (this.settings.ackWindowMs === 0) continue
        if (row.ackWaitMs > 0) {
          waiting = true
          continue
        }
      }
      const settings = await d.settings(userId)
      if (!settings) continue
      let group
      if (m.kind === 2) {
        const side = await d.groupSide(row.appId, m.targetId, userId, m.senderId)
        if (!side) continue
        group = { ...side, mentioned: mentions(m.config, userId) }
      }
      const blocked = m.kind === 2 && (await d.blocked(row.appId, m.senderId, userId))
      const decision = decide({ contentType: m.contentType, recalled: m.recalled, settings, hour, group, blocked })
      if (!decision.push) continue
      names ??= {
        sender: await d.senderName(row.appId, m.senderId),
        group: m.kind === 2 ? await d.groupName(row.appId, m.targetId) : undefined,
      }
      // The badge is the recipient's unread count, kept as the user's badge so that a later task's "+N" adds to it.
      const badge = await d.changeBadge(userId, { set: await d.badge(row.appId, userId) })
      const notification = composeMessageNotification(m, decision, badge, names.sender, names.group)
      for (const device of devices) failure = mergeFailure(failure, await this.deliver(row.appId, device, notification, done))
    }
    return { failure, waiting }
  }

  /**
   * A POST /push/notify task. `combined` and `mxpush_only`: the audience's users with a live socket get the
   * task's frame over the gateway's sockets (rung once, on the first pass; the real-time surfaces count `sent`
   * and `received`). `combined` and `ospush_only`: the audience's devices through their providers (`combined`
   * skips the users reached by socket), each device's badge its user's badge after the task's change.
   */
  private async sendTask(row: OutboxRow, done: Set<number>): Promise<Failure | undefined> {
    const task = await findDeliverableTask(this.ctx.db, row.appId, row.taskId!)
    if (!task) return undefined
    const strategy = strategyOf(task.setting)
    const audience = task.audience as PushAudience
    const sockets = strategy === 'ospush_only' ? new Map<number, number>() : await this.directory.audienceSockets(row.appId, audience)
    if (!row.payload.rung && sockets.size > 0) {
      await addCounts(
        this.ctx.db,
        task.id,
        'mxpush',
        [...sockets.values()].reduce((a, b) => a + b, 0),
        0,
      )
      await ring(this.ctx.bus, PUSH_TASKS_CHANNEL, { appId: row.appId, taskId: task.id, recipients: [...sockets.keys()], message: task.message })
    }
    row.payload.rung = true
    if (strategy === 'mxpush_only') return undefined
    const base = composeTaskNotification(task.id, task.message)
    const change = badgeChange(task.message)
    const badges = new Map<number, number | undefined>()
    const counts = new Map<string, { target: number; sent: number }>()
    let failure: Failure | undefined
    for (const device of await this.directory.audienceDevices(row.appId, audience)) {
      if (done.has(device.deviceId)) continue
      if (strategy === 'combined' && sockets.has(device.userId)) continue
      const route = routeOf(device.notifierName, device.platform)
      if (!route) continue
      const count = counts.get(route.provider) ?? { target: 0, sent: 0 }
      counts.set(route.provider, count)
      // Counted once per device: a retry only sends to the devices not yet served.
      if (row.attempts === 0) count.target++
      if (change && !badges.has(device.userId)) {
        // Changed once per user (a retry reads the badge the first attempt left); every device of the user shows it.
        badges.set(device.userId, await this.directory.changeBadge(device.userId, row.attempts === 0 ? change : { add: 0 }))
      }
      const badge = badges.get(device.userId)
      const notification = badge === undefined ? base : { ...base, badge }
      failure = mergeFailure(
        failure,
        await this.deliver(row.appId, device, notification, done, (outcome) => {
          if (outcome === 'ok') count.sent++
        }),
      )
    }
    for (const [channel, c] of counts) await addCounts(this.ctx.db, task.id, channel, c.target, c.sent)
    return failure
  }

  /** One device: sends, drops a dead token, marks the device done unless the provider asked to retry. */
  private async deliver(
    appId: string,
    device: PushTargetDevice,
    notification: PushNotification,
    done: Set<number>,
    seen?: (outcome: PushResult['outcome']) => void,
  ): Promise<Failure | undefined> {
    const result = await this.sendTo(appId, device, notification)
    if (result) seen?.(result.outcome)
    if (result === undefined || result.outcome === 'ok' || result.outcome === 'permanent') {
      done.add(device.deviceId)
      return undefined
    }
    if (result.outcome === 'dead-token') {
      await this.directory.dropDeadToken(device.deviceId, device.deviceToken)
      done.add(device.deviceId)
      return undefined
    }
    // retry, or bad-credentials (an admin may fix them before the attempts run out).
    if (result.outcome === 'bad-credentials') this.log.warn({ appId, status: result.status, reason: result.reason }, 'push credentials refused')
    return { retryAfterSeconds: result.retryAfterSeconds }
  }

  /** One device through its provider; undefined when the device names no provider or the app has no credentials for it. */
  private async sendTo(
    appId: string,
    device: { platform: number; deviceToken: string; notifierName: string },
    notification: PushNotification,
  ): Promise<PushResult | undefined> {
    const route = routeOf(device.notifierName, device.platform)
    if (!route) return undefined
    const number = PROVIDERS[route.provider]
    // The environment the device names first, then the other one (an app with only sandbox credentials, say).
    const credentials =
      (await this.credentials.credentialsFor(appId, number, route.environment)) ??
      (route.provider === 'apns' ? await this.credentials.credentialsFor(appId, number, 1 - route.environment) : undefined)
    if (credentials === undefined) return undefined
    const sender = this.providers[route.provider] as {
      send(n: PushNotification, c: PushCredentialsByProvider[PushProviderName], t: { token: string }): Promise<PushResult>
    }
    return sender.send(notification, credentials as PushCredentialsByProvider[PushProviderName], { token: device.deviceToken })
  }
}
