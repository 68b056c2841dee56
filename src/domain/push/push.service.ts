// Push for app admins (002 §4): the app's provider credentials (sealed at rest, shown masked), /push/notify tasks and their counts.
import type { PushCredentialsByProvider, PushProviderName } from '../../platform/push/types.ts'
import { maskSecret, type SecretBox } from '../../platform/push/secret-box.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { DomainContext } from '../context.ts'
import { DomainError } from '../errors.ts'
import { checkCredentials, clientCredentials, type CredentialInput, PROVIDERS, type ProviderNumber, providerLabel } from './credential-fields.ts'
import { checkNotify, dueAt } from './notify.rules.ts'
import { appHasCredentials, findCredentials, upsertCredentials, type CredentialsKey } from './push-credentials.repository.ts'
import { enqueueTask } from './outbox.repository.ts'
import { addCounts, countsOf } from './push-task-counts.repository.ts'
import { findTasks, insertTask, taskIdByRequest } from './push-tasks.repository.ts'
import {
  type CredentialsView,
  type NotifyInput,
  type PushCredentialSource,
  type PushEnvironment,
  TASK_CHANNELS,
  type TaskChannel,
  type TaskDetail,
} from './push.types.ts'

/** The stored key: only APNs keeps development apart (column: 0 production, 1 development). */
function credentialsKey(appId: string, provider: ProviderNumber, environment: PushEnvironment): CredentialsKey {
  return { appId, provider, environment: PROVIDERS[provider] === 'apns' && environment === 'development' ? 1 : 0 }
}

/** A count row's channel as /push/task/detail names it (Meizu's channel is `flyme` there). */
function taskChannel(channel: string): TaskChannel | undefined {
  const name = channel === 'meizu' ? 'flyme' : channel
  return (TASK_CHANNELS as readonly string[]).includes(name) ? (name as TaskChannel) : undefined
}

const PROVIDER_NUMBER = Object.fromEntries(Object.entries(PROVIDERS).map(([n, name]) => [name, Number(n)])) as Record<PushProviderName, ProviderNumber>

export class PushService implements PushCredentialSource {
  constructor(private readonly ctx: DomainContext) {}

  #box(): SecretBox {
    if (!this.ctx.pushSecrets)
      throw new DomainError('PUSH_NOT_CONFIGURED', 'PUSH_SECRET_KEY is not configured on this server: push credentials can be neither stored nor read')
    return this.ctx.pushSecrets
  }

  /** POST /push/certificate: replaces the app's credentials for the provider (and, for APNs, the environment). */
  async setCredentials(appId: string, provider: ProviderNumber, environment: PushEnvironment, input: CredentialInput & { name?: string }): Promise<void> {
    const name = PROVIDERS[provider]
    const checked = checkCredentials(name, input)
    const sealed = this.#box().seal(JSON.stringify(checked.secrets))
    const settings = { ...checked.settings, name: input.name?.trim() || providerLabel(name) }
    await upsertCredentials(this.ctx.db, credentialsKey(appId, provider, environment), settings, sealed, new Date(this.ctx.now()))
  }

  /** GET /push/certificate: the app's credentials for the provider, every secret masked. */
  async credentials(appId: string, provider: ProviderNumber, environment: PushEnvironment): Promise<CredentialsView> {
    const box = this.#box()
    const key = credentialsKey(appId, provider, environment)
    const stored = await findCredentials(this.ctx.db, key)
    if (!stored) {
      throw new DomainError(
        'PUSH_NOT_CONFIGURED',
        `this app has no ${providerLabel(PROVIDERS[provider])} credentials${PROVIDERS[provider] === 'apns' ? ` for ${environment}` : ''}; set them with POST /push/certificate`,
      )
    }
    const { name, ...settings } = stored.settings
    const fields: Record<string, string> = { ...settings }
    for (const [field, secret] of Object.entries(this.#open(box, stored.sealedSecret))) fields[field] = maskSecret(secret)
    return { provider, environment: key.environment === 1 ? 'development' : 'production', name: name ?? '', fields, updatedAt: stored.updatedAt.getTime() }
  }

  #open(box: SecretBox, sealed: string): Record<string, string> {
    try {
      return JSON.parse(box.open(sealed)) as Record<string, string>
    } catch {
      throw new DomainError(
        'PUSH_NOT_CONFIGURED',
        'the stored credentials cannot be opened with this PUSH_SECRET_KEY (sealed with another key?); set them again',
      )
    }
  }

  /** Whether the app has credentials for any provider (no secret is opened); none without PUSH_SECRET_KEY. */
  async hasCredentials(appId: string): Promise<boolean> {
    return this.ctx.pushSecrets !== undefined && appHasCredentials(this.ctx.db, appId)
  }

  async credentialsFor<P extends PushProviderName>(
    appId: string,
    provider: P,
    environment: PushEnvironment = 'production',
  ): Promise<PushCredentialsByProvider[P] | undefined> {
    const box = this.ctx.pushSecrets
    if (!box) return undefined
    const key = credentialsKey(appId, PROVIDER_NUMBER[provider], environment)
    const stored = await findCredentials(this.ctx.db, key)
    if (!stored) return undefined
    const secrets = JSON.parse(box.open(stored.sealedSecret)) as Record<string, string>
    return clientCredentials(provider, stored.settings, secrets, key.environment === 1 ? 'development' : 'production')
  }

  /**
   * POST /push/notify: stores the task and its outbox record (due at the show time) in one transaction. A request
   * id the app used before answers that task's id and stores nothing.
   */
  async notify(appId: string, input: NotifyInput): Promise<number> {
    const nowMs = this.ctx.now()
    const { setting, message } = checkNotify(input, nowMs)
    const requestId = setting.request_id ?? null
    return inTransaction(this.ctx.db, async (trx) => {
      const now = new Date(nowMs)
      const taskId = await insertTask(trx, { appId, requestId, audience: input.audience, setting, message, createdAt: now })
      if (taskId === undefined) return (await taskIdByRequest(trx, appId, requestId!))!
      await enqueueTask(trx, appId, taskId, dueAt(message, nowMs), now)
      return taskId
    })
  }

  /** A real-time surface wrote a task's frame to `sent` sockets, or `received` of them acknowledged it: the `mxpush` counts. */
  async countMxpush(taskId: number, sent: number, received: number): Promise<void> {
    await addCounts(this.ctx.db, taskId, 'mxpush', 0, sent, received)
  }

  /** POST /push/task/detail: per task asked for, each channel's counts (zero until the worker has counted). */
  async taskDetails(appId: string, taskIds: number[]): Promise<TaskDetail[]> {
    const found = new Set((await findTasks(this.ctx.db, appId, taskIds)).map((t) => t.id))
    const missing = taskIds.filter((id) => !found.has(id))
    if (missing.length > 0) throw new DomainError('BAD_PARAMETER', `no push task ${missing.join(', ')} in this app`)
    const details = new Map(taskIds.map((id) => [id, emptyDetail(id)]))
    for (const row of await countsOf(this.ctx.db, [...found])) {
      const channel = taskChannel(row.channel)
      const counts = channel && details.get(row.taskId)?.counts[channel]
      if (!counts) continue
      counts.target += row.target
      counts.sent += row.sent
      counts.received += row.received
    }
    return taskIds.map((id) => details.get(id)!)
  }
}

function emptyDetail(taskId: number): TaskDetail {
  const counts = Object.fromEntries(TASK_CHANNELS.map((c) => [c, { target: 0, sent: 0, received: 0 }])) as TaskDetail['counts']
  return { taskId, counts }
}
