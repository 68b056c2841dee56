// Replays every REST call of MaxIM's client SDKs (spec/maxim-sdk/rest-calls.json) as the SDK sends it, and reads the answer as the SDK does.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestApp, PUBLIC_URL, type TestApp } from '../helpers/app.ts'
import { befriend, registerUser } from '../helpers/users.ts'
import { setAuthMode, setProfile } from '../helpers/roster.ts'
import { FILE_SMS, lastCode } from '../helpers/sms.ts'
import { newCaptcha, sendCodeAfterCaptcha } from '../helpers/captcha.ts'
import { PENDING_SDK_CALLS } from './maxim-sdk-pending.ts'

interface Param {
  in: 'query' | 'body' | 'form'
  type: string
  required: boolean
  example: unknown
}
interface SdkCall {
  id: string
  feature: string
  transport: 'request' | 'upload' | 'img' | 'fetch'
  base: string
  method: 'GET' | 'POST'
  path: string
  auth: 'token' | 'none' | 'optional' | 'query'
  params?: Record<string, Param>
  empty_json_body?: boolean
  data: string | null
  reads?: string[]
  serve: 'serve' | 'not-supported' | 'unreachable' | 'external'
  sdks: string[]
}
interface Answer {
  statusCode: number
  headers: Record<string, unknown>
  rawPayload: Buffer
  body: string
  json: () => any
}

const calls = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'spec', 'maxim-sdk', 'rest-calls.json'), 'utf8')) as SdkCall[]
const APP_ID = 'default'
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(200, 1)])
const NOT_SUPPORTED = 10021
let serial = 0
const unique = () => `${process.pid % 10000}${++serial}${Math.floor(Math.random() * 1000)}`
const newMobile = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`

/** Examples of the data file that are only a shape: what the SDK's callers really pass. */
const REAL_EXAMPLES: Record<string, Record<string, unknown>> = {
  // The UI sets a group avatar to the download_url of a picture it has just uploaded.
  'group.info.avatar': { value: '$download_url' },
}
/** Fields the SDK reads that may be absent: it reads them only as an alternative to others. */
const OPTIONAL_READS: Record<string, string[]> = {
  // A cached profile counts as complete when it has `name` or `mobile`: `mobile` is always there (null when none).
  'user.profile.get': ['data.name'],
}

/** The SDK's two ways of sending: the web SDK (axios) and the uniapp SDK (wx.request: an empty token and a JSON content type on every call). */
type Sdk = 'web' | 'uniapp'

/** The fixtures one call needs, made on first use: every call gets a world of its own, so calls that destroy things do not meet. */
class World {
  readonly #memo = new Map<string, Promise<unknown>>()
  constructor(
    readonly app: TestApp,
    readonly call: SdkCall,
  ) {}

  #once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.#memo.has(key)) this.#memo.set(key, make())
    return this.#memo.get(key) as Promise<T>
  }

  async rest(token: string, method: 'GET' | 'POST', url: string, payload?: object) {
    const r = await this.app.inject({ method, url, headers: { 'access-token': token, app_id: APP_ID }, ...(payload ? { payload } : {}) })
    const body = r.json()
    if (body.code !== 200) throw new Error(`fixture ${method} ${url} failed: ${r.body}`)
    return body.data
  }

  me = () => this.#once('me', () => registerUser(this.app))
  friend = () =>
    this.#once('friend', async () => {
      const [me, friend] = await Promise.all([this.me(), registerUser(this.app)])
      await befriend(this.app, me, friend)
      return friend
    })
  stranger = () => this.#once('stranger', () => registerUser(this.app))
  member = () => this.#once('member', () => registerUser(this.app))
  owner = () => this.#once('owner', () => registerUser(this.app))
  group = () =>
    this.#once('group', async () => {
      const [me, member] = await Promise.all([this.me(), this.member()])
      return (await this.rest(me.token, 'POST', '/group/create', { name: 'mine', user_list: [member.userId] })).group_id as number
    })
  joinedGroup = () =>
    this.#once('joined', async () => {
      const [me, owner] = await Promise.all([this.me(), this.owner()])
      return (await this.rest(owner.token, 'POST', '/group/create', { name: 'theirs', user_list: [me.userId] })).group_id as number
    })
  /** A group the caller is not in; for handling an invitation, one that invited the caller and waits for the answer. */
  otherGroup = () =>
    this.#once('other', async () => {
      const [me, owner] = await Promise.all([this.me(), this.owner()])
      const groupId = (await this.rest(owner.token, 'POST', '/group/create', { name: 'other', type: 1 })).group_id as number
      if (this.call.id === 'group.invite.handle') {
        await this.rest(me.token, 'POST', '/user/settings', { group_confirm: true })
        await this.rest(owner.token, 'POST', '/group/invite', { group_id: groupId, user_list: [me.userId] })
      }
      return groupId
    })
  /** Someone waiting for the caller's decision: a friend application, or an application to join the caller's group. */
  applicant = () =>
    this.#once('applicant', async () => {
      const [me, applicant] = await Promise.all([this.me(), registerUser(this.app)])
      if (this.call.path.startsWith('/group/')) {
        const groupId = await this.group()
        await this.rest(me.token, 'POST', '/group/settings/require_admin_approval', { group_id: groupId, apply_approval: true })
        await this.rest(applicant.token, 'POST', '/group/apply', { group_id: groupId, reason: 'let me in' })
      } else {
        await setAuthMode(this.app, me.userId, 1)
        await this.rest(applicant.token, 'POST', '/roster/apply', { user_id: me.userId, alias: 'me', reason: 'hi' })
      }
      return applicant
    })
  announcement = () =>
    this.#once('announcement', async () => {
      const [me, groupId] = await Promise.all([this.me(), this.group()])
      return (await this.rest(me.token, 'POST', '/group/announcement/edit', { group_id: groupId, title: 't', content: 'c' })).id as number
    })
  /** A finished upload: a chat picture to the friend, a group shared file, or the caller's avatar. */
  upload = (kind: 'chat' | 'group' | 'avatar') =>
    this.#once(`upload:${kind}`, async () => {
      const me = await this.me()
      const ticket =
        kind === 'avatar'
          ? await this.rest(me.token, 'GET', '/file/upload/avatar/user')
          : kind === 'group'
            ? await this.rest(me.token, 'GET', `/file/upload/chat?file_type=200&to_id=${await this.group()}&to_type=2`)
            : await this.rest(me.token, 'GET', `/file/upload/chat?file_type=102&to_id=${(await this.friend()).userId}&to_type=1`)
      const form = multipart({ file: PNG })
      const r = await this.app.inject({
        method: 'POST',
        url: ticket.upload_url.slice(PUBLIC_URL.length),
        headers: { 'access-token': me.token, ...form.headers },
        payload: form.payload,
      })
      if (r.statusCode !== 200) throw new Error(`fixture upload failed: ${r.body}`)
      return ticket as { upload_url: string; download_url: string }
    })
  freshTicket = () =>
    this.#once('ticket', async () => {
      const [me, friend] = await Promise.all([this.me(), this.friend()])
      return this.rest(me.token, 'GET', `/file/upload/chat?file_type=102&to_id=${friend.userId}&to_type=1`) as Promise<{
        upload_url: string
        download_url: string
      }>
    })
  fileId = () =>
    this.#once('file', async () => {
      const [me, groupId, uploaded] = await Promise.all([this.me(), this.group(), this.upload('group')])
      return (
        await this.rest(me.token, 'POST', '/group/file/upload', {
          group_id: groupId,
          name: 'a.png',
          size: PNG.length,
          type: 'image/png',
          url: uploaded.download_url,
        })
      ).file_id as number
    })
  /** A device of the caller. The SDK's devices come from its real-time login; here a login naming a device makes one. */
  device = (guid: string) =>
    this.#once(`device:${guid}`, async () => {
      const me = await this.me()
      const before = (await this.rest(me.token, 'GET', '/user/device/list')) as { device_sn: number }[]
      await this.rest('', 'POST', '/token/user', { name: me.username, password: me.password, device_guid: guid })
      const after = (await this.rest(me.token, 'GET', '/user/device/list')) as { device_sn: number }[]
      return after.find((d) => !before.some((b) => b.device_sn === d.device_sn))!.device_sn
    })
  deviceSn = () => this.device('sdk-device-a')
  otherDeviceSn = async () => {
    await this.deviceSn()
    return this.device('sdk-device-b')
  }
  mobile = () =>
    this.#once('mobile', async () => {
      const mobile = newMobile()
      // Logging in by mobile and proving the current number need the caller's own number; every other call wants one nobody has.
      if (['token.user.mobile', 'app.user.mobile_prechange_by_mobile'].includes(this.call.id)) {
        await setProfile(this.app, (await this.me()).userId, { mobile })
      }
      return mobile
    })
  newMobile = () => this.#once('new-mobile', async () => newMobile())
  /** The number the call's code is for: the new one when the call names a new number. */
  codeTarget = () => (this.call.params?.mobile?.example === '$new_mobile' ? this.newMobile() : this.mobile())
  smsCode = () =>
    this.#once('sms', async () => {
      const [me, mobile] = await Promise.all([this.me(), this.codeTarget()])
      // Binding is also reached by the SDK's other sender; the login and change pages send after a picture captcha.
      if (this.call.id === 'app.user.mobile_bind') await this.rest(me.token, 'GET', `/app/captcha/sms?mobile=${mobile}`)
      else await sendCodeAfterCaptcha(this.app, mobile)
      return lastCode(this.app, mobile)
    })
  captcha = () => this.#once('captcha', () => newCaptcha(this.app))
  /** A sign of the step before: info_pwd's for a new number (then an account registered by this client), or the change flow's first step. */
  sign = () =>
    this.#once('sign', async () => {
      if (this.call.id === 'app.user.mobile_change') {
        const me = await this.me()
        return (await this.rest(me.token, 'POST', '/app/user/mobile_prechange_by_password', { password: me.password })).sign as string
      }
      const [mobile, code] = await Promise.all([this.mobile(), this.smsCode()])
      const { sign } = await this.rest('', 'GET', `/app/user/info_pwd?captcha=${code}&mobile=${mobile}`)
      // MaxIM's register-and-bind page: register, then bind with the sign before logging in.
      await this.rest('', 'POST', '/user/register/v2', { username: `bind_${unique()}`, password: 'secret-pw' })
      return sign as string
    })
  qrInfo = () =>
    this.#once('qr', async () => {
      const owner = await this.owner()
      const groupId = (await this.rest(owner.token, 'POST', '/group/create', { name: 'qr', type: 1 })).group_id as number
      return (await this.rest(owner.token, 'GET', `/group/qrcode/sign?group_id=${groupId}`)).qr_info as string
    })

  /** The value of an example placeholder. */
  async value(name: string): Promise<unknown> {
    const chatUpload = () =>
      this.upload(
        this.call.path.startsWith('/group/file') ? 'group' : this.call.path === '/user/avatar' || this.call.path.includes('avatar') ? 'avatar' : 'chat',
      )
    switch (name) {
      case '$app_id':
        return APP_ID
      case '$token':
        return (await this.me()).token
      case '$me':
        return (await this.me()).userId
      case '$username':
        return (await this.me()).username
      case '$password':
        return (await this.me()).password
      case '$new_password':
        return 'new-secret-pw'
      case '$friend':
        return (await this.friend()).userId
      case '$stranger':
        return (await this.stranger()).userId
      case '$stranger_username':
        return (await this.stranger()).username
      case '$applicant':
        return (await this.applicant()).userId
      case '$member':
        await this.group()
        return (await this.member()).userId
      case '$group':
        return this.group()
      case '$joined_group':
        return this.joinedGroup()
      case '$other_group':
        return this.otherGroup()
      case '$announcement':
        return this.announcement()
      case '$file_id':
        return this.fileId()
      case '$device_sn':
        return this.deviceSn()
      case '$other_device_sn':
        return this.otherDeviceSn()
      case '$new_username':
        return `new_${unique()}`
      case '$mobile':
        return this.mobile()
      case '$new_mobile':
        return this.newMobile()
      case '$image_id':
        return (await this.captcha()).imageId
      case '$image_text':
        return (await this.captcha()).text
      case '$sign':
        return this.sign()
      case '$sms_code':
        return this.smsCode()
      case '$download_url':
        return (await chatUpload()).download_url
      case '$upload_url':
        return (await this.freshTicket()).upload_url
      case '$file_bytes':
        return PNG
      case '$file_sign':
        return (await this.upload('chat')).download_url.split('sign=')[1]
      case '$object_name':
        return new URL((await this.upload('avatar')).download_url).searchParams.get('object_name')
      case '$qr_info':
        return this.qrInfo()
      default:
        return `${name.slice(1)}-${unique()}`
    }
  }

  /** An example with its placeholders substituted, in the type the SDK sends. */
  async example(param: Param): Promise<unknown> {
    const one = async (value: unknown, type: string) => {
      if (typeof value !== 'string' || !value.startsWith('$')) return value
      const real = await this.value(value)
      return type === 'number' ? Number(real) : real
    }
    if (Array.isArray(param.example)) return Promise.all(param.example.map((item) => one(item, param.type.replace('[]', ''))))
    return one(param.example, param.type)
  }
}

/** A multipart body with the fields in order (text fields as given, Buffers as files). */
function multipart(fields: Record<string, string | Buffer>) {
  const boundary = '----sdkBoundary7MA4YWxkTrZu0gW'
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        Buffer.isBuffer(value)
          ? `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`
          : `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`,
      ),
    )
    parts.push(Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** A query string as the SDK's `query-string` builds it: keys sorted, arrays repeated, booleans as words. */
function queryString(values: Record<string, unknown>): string {
  const pairs: string[] = []
  for (const key of Object.keys(values).sort()) {
    const value = values[key]
    for (const item of Array.isArray(value) ? value : [value]) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`)
  }
  return pairs.join('&')
}

/** Sends `call` the way `sdk` does, with the world's ids in it. */
async function send(world: World, call: SdkCall, sdk: Sdk): Promise<Answer> {
  const values: Record<string, unknown> = {}
  for (const [name, param] of Object.entries(call.params ?? {})) {
    const real = REAL_EXAMPLES[call.id]?.[name]
    values[name] = await world.example(real === undefined ? param : { ...param, example: real })
  }
  const loggedIn = call.auth !== 'none'
  const token = loggedIn ? (await world.me()).token : undefined
  const headers: Record<string, string> = { app_id: APP_ID }
  if (sdk === 'uniapp') Object.assign(headers, { 'access-token': token ?? '', 'content-type': 'application/json' })
  else if (token) headers['access-token'] = token

  if (call.transport === 'fetch') {
    return world.app.inject({ method: call.method, url: call.path, headers: { origin: 'https://app.example' } })
  }
  if (call.transport === 'img') {
    // <img src>: no headers; everything is in the query.
    return world.app.inject({ method: 'GET', url: `${call.path}?${queryString(values)}`, headers: { origin: 'https://app.example' } })
  }
  if (call.transport === 'upload') {
    const url = new URL((await world.freshTicket()).upload_url).pathname
    // The web demo's own uploads send "undefined" for the object-store fields the gateway does not hand out.
    const fields: Record<string, string | Buffer> = {}
    for (const [name, param] of Object.entries(call.params ?? {})) fields[name] = param.type === 'file' ? PNG : 'undefined'
    const form = multipart(fields)
    return world.app.inject({ method: 'POST', url, headers: { ...headers, ...form.headers }, payload: form.payload })
  }
  if (call.base === 'download_url') {
    const downloadUrl = new URL((await world.upload('chat')).download_url)
    return world.app.inject({ method: 'GET', url: `${downloadUrl.pathname}${downloadUrl.search}&${queryString(values)}`, headers })
  }
  if (call.method === 'GET') {
    const query = queryString(values)
    return world.app.inject({ method: 'GET', url: query ? `${call.path}?${query}` : call.path, headers })
  }
  const query: Record<string, unknown> = {}
  const body: Record<string, unknown> = {}
  for (const [name, param] of Object.entries(call.params ?? {})) (param.in === 'query' ? query : body)[name] = values[name]
  const q = queryString(query)
  return world.app.inject({
    method: 'POST',
    url: q ? `${call.path}?${q}` : call.path,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  })
}

const TYPE_OF: Record<string, (v: unknown) => boolean> = {
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: Array.isArray,
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  any: () => true,
}

/** What is wrong with the answer, as the SDK reads it; [] when the SDK would take it as success. */
function problems(call: SdkCall, answer: Answer): string[] {
  if (call.transport === 'fetch') {
    if (!answer.headers['access-control-allow-origin']) return ['no Access-Control-Allow-Origin: the speed test counts the server as slow']
    return answer.statusCode === 200 ? [] : [`HTTP ${answer.statusCode}`]
  }
  if (call.transport === 'img' || call.base === 'download_url') {
    if (answer.statusCode !== 200) return [`HTTP ${answer.statusCode}: ${answer.body.slice(0, 200)}`]
    return answer.rawPayload.length > 0 && !answer.headers['content-type']?.toString().includes('json') ? [] : [`not a file: ${answer.body.slice(0, 200)}`]
  }
  if (answer.statusCode !== 200) return [`HTTP ${answer.statusCode}: ${answer.body.slice(0, 200)}`]
  let body: any
  try {
    body = answer.json()
  } catch {
    return [`not JSON: ${answer.body.slice(0, 200)}`]
  }
  if (call.transport === 'upload')
    return body.data === true || body.Status === 'OK' ? [] : [`upload answer without data === true or Status "OK": ${JSON.stringify(body)}`]
  if (body.code !== 200) return [`code ${body.code}: ${body.message}`]
  const found: string[] = []
  if (call.data && !TYPE_OF[call.data]!(body.data)) found.push(`data is not ${call.data}: ${JSON.stringify(body.data)}`)
  for (const read of call.reads ?? []) {
    const field = /^data(\[\])?\.([a-z_]+)$/.exec(read)
    if (!field || OPTIONAL_READS[call.id]?.includes(read)) continue
    const items = field[1] ? (Array.isArray(body.data) ? body.data : []) : [body.data]
    for (const item of items) {
      if (typeof item === 'object' && item !== null && item[field[2]!] === undefined) found.push(`${read} is missing: ${JSON.stringify(item)}`)
    }
  }
  return found
}

/** Which SDK's habits a call is replayed with: uniapp's (empty token, JSON content type everywhere) when it makes the call. */
const sdkOf = (call: SdkCall): Sdk => (call.sdks.includes('floo-uniapp') ? 'uniapp' : 'web')

// One app, 131 calls each with its own fixtures: about a minute on a quiet machine, more under load.
t.setTimeout(300_000)

t.test('the data file names each call once, with known outcomes', async (t) => {
  const ids = calls.map((c) => c.id)
  t.equal(new Set(ids).size, ids.length, 'ids are unique')
  for (const id of PENDING_SDK_CALLS.keys())
    t.ok(
      calls.some((c) => c.id === id && c.serve !== 'external'),
      `pending ${id} is a call of the data file`,
    )
})

t.test('every SDK call is answered as the SDK expects', async (t) => {
  t.setTimeout(600_000)
  const app = await buildTestApp(t, { env: FILE_SMS })
  for (const call of calls) {
    if (call.serve === 'external' || call.serve === 'unreachable') continue
    const pending = PENDING_SDK_CALLS.get(call.id)
    const sdk = sdkOf(call)
    const answer = await send(new World(app, call), call, sdk)
    if (call.serve === 'not-supported') {
      const body = answer.statusCode === 200 ? answer.json() : {}
      const ok = body.code === NOT_SUPPORTED && typeof body.message === 'string' && body.message.length > 0
      if (pending) t.notOk(ok, `${call.id} still pending (${pending}); remove it from the pending list once it answers`)
      else t.ok(ok, `${call.method} ${call.path} (${call.id}, ${sdk}) answers HTTP 200 + "not supported"`, { found: answer.body.slice(0, 300) })
      continue
    }
    const found = problems(call, answer)
    if (pending) t.not(found.length, 0, `${call.id} still pending (${pending}); remove it from the pending list once it is answered`)
    else t.same(found, [], `${call.method} ${call.path} (${call.id}, ${sdk}) is answered as the SDK reads it${found.length ? ` -- ${found[0]}` : ''}`)
  }
})

t.test('calls made before login also work without any access-token header (the web SDK)', async (t) => {
  const app = await buildTestApp(t, { env: FILE_SMS })
  for (const call of calls.filter((c) => c.auth === 'none' && c.serve === 'serve' && c.transport === 'request' && !PENDING_SDK_CALLS.has(c.id))) {
    const answer = await send(new World(app, call), call, 'web')
    const found = problems(call, answer)
    t.same(found, [], `${call.id} (web)${found.length ? ` -- ${found[0]}` : ''}`)
  }
})
