// Environment → typed, frozen Config; a bad variable stops start-up with a message naming it.
import { Type, type Static } from 'typebox'
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { parseSecretKey } from './platform/push/secret-box.ts'
import { convertAndCheck } from './config-env.ts'

export const ConfigSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development', description: 'production turns off developer conveniences' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port to listen on' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to listen on' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'embedded database and stored files' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = embedded PGlite under DATA_DIR' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis URL; unset = in-process bus and counters' })),
  REDIS_COMMAND_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 2000,
    description: 'a Redis command that has no answer by then fails (the request answers 503)',
  }),
  REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:_-]*$', default: 'img:', description: 'prefix of every Redis key and channel' }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info', description: 'pino log level' },
  ),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'base of absolute URLs in responses; default http://HOST:PORT' })),
  DEFAULT_APP_ID: Type.String({
    pattern: '^[A-Za-z0-9_-]{1,64}$',
    default: 'default',
    description: 'app of legacy and facade requests and of REST requests without app_id',
  }),
  ADMIN_TOKEN: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.~-]{32,256}$', description: 'admin token of the default app' })),
  METRICS_TOKEN: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9_.~-]{32,256}$', description: 'bearer token of GET /metrics; unset = no metrics are kept or served' }),
  ),
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, default: 30 * 24 * 3600, description: 'lifetime of user tokens' }),
  SMS_PROVIDER: Type.Union([Type.Literal('console'), Type.Literal('file'), Type.Literal('webhook')], {
    default: 'console',
    description: 'how verification codes are sent',
  }),
  SMS_OUTBOX: Type.Optional(Type.String({ minLength: 1, description: 'file provider: JSON lines file; default DATA_DIR/sms-outbox.jsonl' })),
  SMS_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'webhook provider: where each code is POSTed' })),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 0, default: 1200, description: 'requests per client address per minute; 0 = unlimited' }),
  WS_FRAMES_PER_SECOND: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 50,
    description: 'client frames per WebSocket per second (bursts of twice as many); more are refused, and a socket that keeps on is closed',
  }),
  WS_SYNC_CONCURRENCY_PER_USER: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 2,
    description: 'sync requests of one user answered at once on a process; the rest wait their turn',
  }),
  WS_MAX_BUFFERED_BYTES: Type.Integer({
    minimum: 1024,
    default: 4 * 1024 * 1024,
    description: 'bytes waiting for a WebSocket client that does not read before it is closed with 1013',
  }),
  RETENTION_INTERVAL_SECONDS: Type.Integer({
    minimum: 0,
    default: 3600,
    description: 'how often each process purges expired tokens, verification codes and send-deduplication records; 0 = never',
  }),
  LOGIN_THROTTLE_FREE_FAILURES: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 5,
    description: 'failed logins of one account from one client address before each further try waits',
  }),
  LOGIN_THROTTLE_BASE_DELAY_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 1,
    description: 'the first wait; it doubles with each further failure',
  }),
  LOGIN_THROTTLE_MAX_DELAY_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 900, description: 'the longest wait' }),
  TRUST_PROXY: Type.String({
    pattern: '^(true|false|[0-9]{1,2}|[0-9A-Fa-f.:/, ]+)$',
    default: 'false',
    description: 'which proxies may name the client in X-Forwarded-For: false, true (any), a hop count, or addresses/CIDRs separated by commas',
  }),
  REQUEST_TIMEOUT_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 120,
    description: 'longest time to receive one whole request (uploads included)',
  }),
  HEADERS_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 20, description: 'longest time to receive the headers of a request' }),
  KEEP_ALIVE_TIMEOUT_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 72,
    description: 'how long an idle keep-alive connection stays open (above a load balancer idle timeout)',
  }),
  STORAGE: Type.Union([Type.Literal('local'), Type.Literal('s3')], {
    default: 'local',
    description: 'where stored files live: local = DATA_DIR/files (one machine); s3 = an S3-compatible bucket every process reaches',
  }),
  S3_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', description: 'S3-compatible endpoint (MinIO, OSS, COS); unset = AWS S3 of S3_REGION' }),
  ),
  S3_REGION: Type.String({ pattern: '^[a-z0-9-]{1,64}$', default: 'us-east-1', description: 'region the requests are signed for' }),
  S3_BUCKET: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', description: 'bucket of the stored files; required when STORAGE=s3' })),
  S3_ACCESS_KEY_ID: Type.Optional(
    Type.String({ minLength: 1, description: 'access key; unset (with S3_SECRET_ACCESS_KEY) = the AWS default credential chain' }),
  ),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1, description: 'secret key of S3_ACCESS_KEY_ID' })),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false, description: 'address the bucket as ENDPOINT/BUCKET (MinIO) rather than BUCKET.ENDPOINT' }),
  S3_DIRECT_UPLOAD: Type.Boolean({ default: false, description: 'upload tickets answer a presigned POST form: clients upload straight to the bucket' }),
  S3_DIRECT_UPLOAD_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900, description: 'lifetime of a presigned POST form' }),
  S3_PUBLIC_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', description: 'the endpoint as clients reach it for direct uploads, when not S3_ENDPOINT' }),
  ),
  PUSH_SECRET_KEY: Type.Optional(Type.String({ description: 'key that encrypts push credentials at rest: 32 bytes as 64 hex digits or base64' })),
  PUSH_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'longest wait for one answer of a push provider' }),
  PUSH_APNS_URL: Type.String({ pattern: '^https?://', default: 'https://api.push.apple.com', description: 'APNs production (HTTP/2)' }),
  PUSH_APNS_SANDBOX_URL: Type.String({ pattern: '^https?://', default: 'https://api.sandbox.push.apple.com', description: 'APNs development (HTTP/2)' }),
  PUSH_FCM_URL: Type.String({ pattern: '^https?://', default: 'https://fcm.googleapis.com', description: 'FCM HTTP v1' }),
  PUSH_FCM_TOKEN_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: "Google OAuth2 token endpoint; unset = the service account's token_uri" }),
  ),
  PUSH_HUAWEI_URL: Type.String({ pattern: '^https?://', default: 'https://push-api.cloud.huawei.com', description: 'Huawei Push Kit' }),
  PUSH_HUAWEI_AUTH_URL: Type.String({ pattern: '^https?://', default: 'https://oauth-login.cloud.huawei.com', description: 'Huawei OAuth 2.0' }),
  PUSH_XIAOMI_URL: Type.String({ pattern: '^https?://', default: 'https://api.xmpush.xiaomi.com', description: 'Xiaomi push' }),
  PUSH_OPPO_URL: Type.String({ pattern: '^https?://', default: 'https://api.push.oppomobile.com', description: 'OPPO push' }),
  PUSH_VIVO_URL: Type.String({ pattern: '^https?://', default: 'https://api-push.vivo.com.cn', description: 'vivo push' }),
  PUSH_MEIZU_URL: Type.String({ pattern: '^https?://', default: 'https://server-api-push.meizu.com', description: 'Meizu (Flyme) push' }),
  PUSH_WORKER_INTERVAL_MS: Type.Integer({
    minimum: 0,
    maximum: 3_600_000,
    default: 1000,
    description: 'how often this process looks for due push work in the outbox; 0 = this process runs no push worker',
  }),
  PUSH_WORKER_BATCH: Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'outbox rows one claim of the push worker takes' }),
  PUSH_WORKER_LEASE_SECONDS: Type.Integer({
    minimum: 5,
    maximum: 86_400,
    default: 300,
    description: 'how long claimed outbox rows stay with their worker; a worker that died leaves them to others after this',
  }),
  PUSH_RETRY_BASE_MS: Type.Integer({
    minimum: 1,
    maximum: 3_600_000,
    default: 5000,
    description: 'first delay before a push the provider asked to retry is tried again; doubles each attempt',
  }),
  PUSH_RETRY_MAX_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 600_000, description: 'longest delay between two attempts of one push' }),
  PUSH_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 8, description: 'attempts after which a push still failing is given up' }),
  PUSH_ACK_WINDOW_MS: Type.Integer({
    minimum: 0,
    maximum: 600_000,
    default: 3000,
    description:
      'how long a recipient with a live socket has to acknowledge a message before its devices are pushed to anyway (0: a live socket counts as reached)',
  }),
  PUSH_TIME_ZONE: Type.String({
    minLength: 1,
    default: 'UTC',
    description: "IANA time zone of the users' no-disturb and silence hours (no user setting names a zone)",
  }),
})

export type Config = Readonly<Static<typeof ConfigSchema> & { PUBLIC_URL: string; DATA_DIR: string; SMS_OUTBOX: string }>

export class ConfigError extends Error {}

/** Reads the variables the schema names from env; throws ConfigError naming the first bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  // Converted in place, as Value.Convert did: a message shows the converted value (PORT=70000).
  const firstError = convertAndCheck(ConfigSchema, raw)
  if (firstError) {
    const name = firstError.name || '(config)'
    throw new ConfigError(`invalid environment variable ${name}=${JSON.stringify(raw[name] ?? '')}: ${firstError.message}`)
  }
  const value = raw as Static<typeof ConfigSchema>
  if (value.SMS_PROVIDER === 'webhook' && !value.SMS_WEBHOOK_URL) {
    throw new ConfigError('invalid environment variable SMS_WEBHOOK_URL="": required when SMS_PROVIDER=webhook')
  }
  if (value.LOGIN_THROTTLE_MAX_DELAY_SECONDS < value.LOGIN_THROTTLE_BASE_DELAY_SECONDS) {
    throw new ConfigError(
      `invalid environment variable LOGIN_THROTTLE_MAX_DELAY_SECONDS=${JSON.stringify(String(value.LOGIN_THROTTLE_MAX_DELAY_SECONDS))}: must be at least LOGIN_THROTTLE_BASE_DELAY_SECONDS (${value.LOGIN_THROTTLE_BASE_DELAY_SECONDS})`,
    )
  }
  if (trustProxy(value.TRUST_PROXY) === undefined) {
    throw new ConfigError(
      `invalid environment variable TRUST_PROXY=${JSON.stringify(raw.TRUST_PROXY ?? '')}: false, true, a hop count, or IP addresses/CIDRs separated by commas`,
    )
  }
  if (value.HEADERS_TIMEOUT_SECONDS > value.REQUEST_TIMEOUT_SECONDS) {
    throw new ConfigError(
      `invalid environment variable HEADERS_TIMEOUT_SECONDS=${JSON.stringify(raw.HEADERS_TIMEOUT_SECONDS ?? '')}: must not exceed REQUEST_TIMEOUT_SECONDS (${value.REQUEST_TIMEOUT_SECONDS})`,
    )
  }
  if (value.PUSH_SECRET_KEY !== undefined && !parseSecretKey(value.PUSH_SECRET_KEY)) {
    throw new ConfigError('invalid environment variable PUSH_SECRET_KEY=[redacted]: 32 bytes as 64 hex digits or base64 (openssl rand -base64 32)')
  }
  if (value.STORAGE === 's3' && !value.S3_BUCKET) {
    throw new ConfigError('invalid environment variable S3_BUCKET="": required when STORAGE=s3')
  }
  if ((value.S3_ACCESS_KEY_ID === undefined) !== (value.S3_SECRET_ACCESS_KEY === undefined)) {
    const missing = value.S3_ACCESS_KEY_ID === undefined ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY'
    throw new ConfigError(`invalid environment variable ${missing}="": set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither`)
  }
  if (value.S3_DIRECT_UPLOAD && value.STORAGE !== 's3') {
    throw new ConfigError('invalid environment variable S3_DIRECT_UPLOAD="true": needs STORAGE=s3')
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: value.PUSH_TIME_ZONE })
  } catch {
    throw new ConfigError(`invalid environment variable PUSH_TIME_ZONE=${JSON.stringify(value.PUSH_TIME_ZONE)}: an IANA time zone such as UTC or Asia/Shanghai`)
  }
  const publicUrl = (value.PUBLIC_URL ?? `http://${value.HOST}:${value.PORT}`).replace(/\/+$/, '')
  const dataDir = resolve(value.DATA_DIR)
  return Object.freeze({
    ...value,
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    SMS_OUTBOX: resolve(value.SMS_OUTBOX ?? `${dataDir}/sms-outbox.jsonl`),
  })
}

/** TRUST_PROXY as Fastify's `trustProxy`: a boolean, a hop count, or a list of addresses/CIDRs; undefined when malformed. */
export function trustProxy(setting: string): boolean | number | string[] | undefined {
  if (setting === 'true' || setting === 'false') return setting === 'true'
  if (/^\d{1,2}$/.test(setting)) return Number(setting)
  const entries = setting.split(',').map((entry) => entry.trim())
  const valid = entries.every((entry) => {
    const [address = '', prefix, ...rest] = entry.split('/')
    const family = isIP(address)
    if (family === 0 || rest.length > 0) return false
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
  })
  return valid ? entries : undefined
}
