// What each push provider's credentials are made of on the wire (POST /push/certificate), which of them are secret, and the client object they become.
import type { PushCredentialsByProvider, PushProviderName } from '../../platform/push/types.ts'
import { DomainError } from '../errors.ts'

/** `002` §4 provider numbers; 8 (Web Push) is this gateway's own. */
export const PROVIDERS = { 1: 'apns', 2: 'huawei', 3: 'xiaomi', 4: 'meizu', 5: 'vivo', 6: 'oppo', 7: 'fcm', 8: 'webpush' } as const satisfies Record<
  number,
  PushProviderName
>
export type ProviderNumber = keyof typeof PROVIDERS

/** Display names, for the default certificate name and for errors. */
const LABEL: Record<PushProviderName, string> = {
  apns: 'APNs',
  huawei: 'Huawei',
  xiaomi: 'Xiaomi',
  meizu: 'Meizu',
  vivo: 'vivo',
  oppo: 'OPPO',
  fcm: 'FCM',
  webpush: 'Web Push',
}

export function providerLabel(provider: PushProviderName): string {
  return LABEL[provider]
}

/** The credential fields an admin may send; each provider takes some of them. */
export const CREDENTIAL_FIELDS = [
  'app_id',
  'app_key',
  'app_secret',
  'master_secret',
  'certificate',
  'key_id',
  'team_id',
  'bundle_id',
  'package_name',
  'subject',
] as const
export type CredentialField = (typeof CREDENTIAL_FIELDS)[number]
export type CredentialInput = Partial<Record<CredentialField, string>>

interface ProviderFields {
  required: CredentialField[]
  optional: CredentialField[]
  /** Sealed with PUSH_SECRET_KEY and shown masked; every other field is stored and shown as given. */
  secret: CredentialField[]
}

/**
 * Optional fields are what the app's own client SDK needs to register with the vendor (Xiaomi and Meizu app id and
 * key, OPPO app secret): the gateway stores and shows them, the server-side send does not use them.
 */
const FIELDS: Record<PushProviderName, ProviderFields> = {
  apns: { required: ['certificate', 'key_id', 'team_id', 'bundle_id'], optional: [], secret: ['certificate'] },
  huawei: { required: ['app_id', 'app_secret'], optional: [], secret: ['app_secret'] },
  xiaomi: { required: ['app_secret', 'package_name'], optional: ['app_id', 'app_key'], secret: ['app_secret'] },
  meizu: { required: ['app_id', 'app_secret'], optional: ['app_key'], secret: ['app_secret'] },
  vivo: { required: ['app_id', 'app_key', 'app_secret'], optional: [], secret: ['app_secret'] },
  oppo: { required: ['app_key', 'master_secret'], optional: ['app_secret'], secret: ['master_secret', 'app_secret'] },
  // `certificate` is the service account's JSON key file; its private key is the one secret kept from it.
  fcm: { required: ['certificate'], optional: [], secret: ['certificate'] },
  webpush: { required: ['app_key', 'app_secret', 'subject'], optional: [], secret: ['app_secret'] },
}

export interface CheckedCredentials {
  /** Shown as stored (with `name`). */
  settings: Record<string, string>
  /** Sealed as JSON. */
  secrets: Record<string, string>
}

function bad(reason: string): never {
  throw new DomainError('BAD_PARAMETER', reason)
}

/** FCM: the fields of the service-account key file that sending needs; the private key becomes the secret. */
function fcmKeyFile(text: string): CheckedCredentials {
  let file: unknown
  try {
    file = JSON.parse(text)
  } catch {
    bad('certificate must be the Firebase service account key file (JSON)')
  }
  const f = (typeof file === 'object' && file !== null ? file : {}) as Record<string, unknown>
  for (const key of ['project_id', 'client_email', 'private_key']) {
    if (typeof f[key] !== 'string' || f[key] === '') bad(`certificate (the service account key file) has no ${key}`)
  }
  if (!String(f.private_key).includes('PRIVATE KEY')) bad('certificate: private_key is not a PEM private key')
  const settings: Record<string, string> = { project_id: String(f.project_id), client_email: String(f.client_email) }
  if (typeof f.token_uri === 'string' && /^https?:\/\//.test(f.token_uri)) settings.token_uri = f.token_uri
  return { settings, secrets: { certificate: String(f.private_key) } }
}

/** The provider's fields from what the admin sent: every required one present, no foreign one, each well formed. */
export function checkCredentials(provider: PushProviderName, input: CredentialInput): CheckedCredentials {
  const spec = FIELDS[provider]
  const allowed = new Set<string>([...spec.required, ...spec.optional])
  for (const field of CREDENTIAL_FIELDS) {
    const value = input[field]
    if (value !== undefined && value !== '' && !allowed.has(field)) bad(`${field} is not a ${LABEL[provider]} credential (${[...allowed].join(', ')})`)
  }
  for (const field of spec.required) {
    if (!input[field]?.trim()) bad(`${LABEL[provider]} credentials need ${spec.required.join(', ')}: ${field} is missing`)
  }
  if (provider === 'fcm') return fcmKeyFile(input.certificate!)
  if (provider === 'apns') {
    if (!input.certificate!.includes('PRIVATE KEY')) bad('certificate must be the PEM text of the .p8 signing key')
    for (const field of ['key_id', 'team_id'] as const) {
      if (!/^[A-Z0-9]{10}$/.test(input[field]!.trim())) bad(`${field} must be the 10-character id Apple shows`)
    }
  }
  if (provider === 'webpush' && !/^(mailto:|https:\/\/)/.test(input.subject!)) bad('subject must be a mailto: or https: contact')
  const checked: CheckedCredentials = { settings: {}, secrets: {} }
  for (const field of [...spec.required, ...spec.optional]) {
    const value = input[field]?.trim()
    if (!value) continue
    if (spec.secret.includes(field)) checked.secrets[field] = field === 'certificate' ? input[field]! : value
    else checked.settings[field] = value
  }
  return checked
}

/** The client object of `src/platform/push` from the stored fields and the opened secrets. */
export function clientCredentials<P extends PushProviderName>(
  provider: P,
  settings: Record<string, string>,
  secrets: Record<string, string>,
  environment: 'production' | 'development',
): PushCredentialsByProvider[P] {
  const s = settings
  const x = secrets
  const byProvider: { [K in PushProviderName]: () => PushCredentialsByProvider[K] } = {
    apns: () => ({ privateKey: x.certificate!, keyId: s.key_id!, teamId: s.team_id!, topic: s.bundle_id!, environment }),
    fcm: () => ({ projectId: s.project_id!, clientEmail: s.client_email!, privateKey: x.certificate!, ...(s.token_uri ? { tokenUri: s.token_uri } : {}) }),
    huawei: () => ({ appId: s.app_id!, appSecret: x.app_secret! }),
    xiaomi: () => ({ appSecret: x.app_secret!, packageName: s.package_name! }),
    oppo: () => ({ appKey: s.app_key!, masterSecret: x.master_secret! }),
    vivo: () => ({ appId: s.app_id!, appKey: s.app_key!, appSecret: x.app_secret! }),
    meizu: () => ({ appId: s.app_id!, appSecret: x.app_secret! }),
    webpush: () => ({ subject: s.subject!, publicKey: s.app_key!, privateKey: x.app_secret! }),
  }
  return byProvider[provider]()
}
