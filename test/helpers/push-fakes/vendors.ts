// Local Huawei, Xiaomi, OPPO, vivo and Meizu push servers: each checks its own authentication (OAuth, key=, sha256/md5 signs) and answers in its own codes.
import { createHash } from 'node:crypto'
import { formOf, Script, startServer, type Answer, type Recorded } from './server.ts'

export interface FakeVendor {
  url: string
  /** Requests that passed authentication at the send endpoint. */
  sends: Recorded[]
  /** Requests to the auth endpoint (none for Xiaomi and Meizu). */
  auths: Recorded[]
  /** Tokens the vendor reports as invalid. */
  dead: Set<string>
  script: Script
  /** Access tokens issued and honoured; clear to make the vendor refuse them as expired. */
  issued: Set<string>
  close: () => Promise<void>
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex')
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

async function fake(route: (request: Recorded, state: Omit<FakeVendor, 'url' | 'close'>, issue: () => string) => Answer): Promise<FakeVendor> {
  const state = { sends: [] as Recorded[], auths: [] as Recorded[], dead: new Set<string>(), script: new Script(), issued: new Set<string>() }
  let counter = 0
  const issue = () => {
    const token = `vendor-token-${++counter}`
    state.issued.add(token)
    return token
  }
  const server = await startServer((request) => route(request, state, issue))
  return { url: server.url, ...state, close: server.close }
}

/** Huawei: OAuth client credentials at /oauth2/v3/token (on the auth host; one server plays both), then /v1/{appId}/messages:send. */
export function startFakeHuawei(expect: { appId: string; appSecret: string }) {
  return fake((request, state, issue) => {
    if (request.path === '/oauth2/v3/token') {
      const f = formOf(request)
      state.auths.push(request)
      if (f.grant_type !== 'client_credentials' || f.client_id !== expect.appId || f.client_secret !== expect.appSecret) {
        return { status: 400, body: { error: 1101, error_description: 'invalid client' } }
      }
      return { status: 200, body: { access_token: issue(), expires_in: 3600, token_type: 'Bearer' } }
    }
    if (request.path !== `/v1/${expect.appId}/messages:send`) return { status: 404, body: { code: '80100002', msg: 'not found' } }
    const bearer = String(request.headers.authorization ?? '').replace(/^Bearer /, '')
    if (!state.issued.has(bearer)) return { status: 401, body: { code: '80200003', msg: 'Request unauthenticated: OAuth token expired' } }
    state.sends.push(request)
    const scripted = state.script.next()
    if (scripted) return scripted
    const body = JSON.parse(request.body) as { message: { token: string[] } }
    if (body.message.token.some((t) => state.dead.has(t)))
      return { status: 200, body: { code: '80300007', msg: 'All the tokens are invalid', requestId: 'r-dead' } }
    return { status: 200, body: { code: '80000000', msg: 'Success', requestId: `r-${state.sends.length}` } }
  })
}

/** Xiaomi: `Authorization: key=<AppSecret>` on /v3/message/regid. */
export function startFakeXiaomi(expect: { appSecret: string; packageName: string }) {
  return fake((request, state) => {
    if (request.path !== '/v3/message/regid' || request.method !== 'POST') return { status: 404, body: {} }
    if (request.headers.authorization !== `key=${expect.appSecret}`) {
      return { status: 200, body: { result: 'error', code: 21301, reason: 'Authentication failed', description: '认证失败' } }
    }
    const f = formOf(request)
    if (f.restricted_package_name !== expect.packageName) return { status: 200, body: { result: 'error', code: 22022, reason: 'package name mismatch' } }
    if (f.notify_id !== undefined && !/^\d{1,10}$/.test(f.notify_id))
      return { status: 200, body: { result: 'error', code: 10017, reason: 'notify_id must be an integer' } }
    state.sends.push(request)
    const scripted = state.script.next()
    if (scripted) return scripted
    if (state.dead.has(f.registration_id ?? ''))
      return { status: 200, body: { result: 'error', code: 20301, reason: 'No valid targets!', description: '发送消息失败' } }
    return { status: 200, body: { result: 'ok', code: 0, data: { id: `scm-${state.sends.length}` }, trace_id: 't' } }
  })
}

/** OPPO: /server/v1/auth with sign = sha256(app_key + timestamp + master_secret), then unicast with the auth_token parameter. */
export function startFakeOppo(expect: { appKey: string; masterSecret: string }) {
  return fake((request, state, issue) => {
    if (request.path === '/server/v1/auth') {
      const f = formOf(request)
      state.auths.push(request)
      if (f.app_key !== expect.appKey) return { status: 200, body: { code: 14, message: 'Invalid AppKey' } }
      if (!/^\d{13}$/.test(f.timestamp ?? '') || f.sign !== sha256(`${f.app_key}${f.timestamp}${expect.masterSecret}`)) {
        return { status: 200, body: { code: 16, message: 'Sign Mismatch' } }
      }
      return { status: 200, body: { code: 0, message: 'Success', data: { auth_token: issue(), create_time: Number(f.timestamp) } } }
    }
    if (request.path !== '/server/v1/message/notification/unicast') return { status: 404, body: {} }
    if (!state.issued.has(formOf(request).auth_token ?? '')) return { status: 200, body: { code: 11, message: 'Invalid AuthToken' } }
    state.sends.push(request)
    const scripted = state.script.next()
    if (scripted) return scripted
    const message = JSON.parse(formOf(request).message ?? '{}') as { target_value?: string }
    if (state.dead.has(message.target_value ?? '')) return { status: 200, body: { code: 10000, message: 'Invalid RegistrationId' } }
    return { status: 200, body: { code: 0, message: 'Success', data: { messageId: `oppo-${state.sends.length}` } } }
  })
}

/** vivo: /message/auth with sign = md5(appId + appKey + timestamp + appSecret), then /message/send with the authToken header. */
export function startFakeVivo(expect: { appId: string; appKey: string; appSecret: string }) {
  return fake((request, state, issue) => {
    if (request.path === '/message/auth') {
      const body = JSON.parse(request.body) as { appId?: unknown; appKey?: string; timestamp?: number; sign?: string }
      state.auths.push(request)
      if (String(body.appId) !== expect.appId || body.appKey !== expect.appKey) return { status: 200, body: { result: 10200, desc: 'appId或appKey不合法' } }
      if (body.sign !== md5(`${expect.appId}${body.appKey}${body.timestamp}${expect.appSecret}`))
        return { status: 200, body: { result: 10201, desc: 'sign不正确' } }
      return { status: 200, body: { result: 0, desc: '请求成功', authToken: issue() } }
    }
    if (request.path !== '/message/send') return { status: 404, body: {} }
    if (!state.issued.has(String(request.headers.authtoken ?? ''))) return { status: 200, body: { result: 10000, desc: '鉴权失败' } }
    state.sends.push(request)
    const scripted = state.script.next()
    if (scripted) return scripted
    const body = JSON.parse(request.body) as { regId?: string; requestId?: string }
    if (!body.requestId || body.requestId.length > 64) return { status: 200, body: { result: 10055, desc: 'requestId 不合法' } }
    if (
      state.sends.some(
        (s) =>
          s !== request &&
          (JSON.parse(s.body) as { requestId?: string }).requestId === body.requestId &&
          (JSON.parse(s.body) as { regId?: string }).regId !== body.regId,
      )
    )
      return { status: 200, body: { result: 10073, desc: 'requestId 重复' } }
    if (state.dead.has(body.regId ?? '')) return { status: 200, body: { result: 10302, desc: 'regId 不合法' } }
    return { status: 200, body: { result: 0, desc: '请求成功', taskId: `vivo-${state.sends.length}` } }
  })
}

/** Meizu: a form whose sign is md5 of the sorted k=v pairs and the AppSecret; invalid push ids come back in `value`. */
export function startFakeMeizu(expect: { appId: string; appSecret: string }) {
  return fake((request, state) => {
    if (request.path !== '/garcia/api/server/push/varnished/pushByPushId') return { status: 404, body: {} }
    const f = formOf(request)
    const { sign, ...params } = f
    const expected = md5(
      Object.keys(params)
        .sort()
        .map((k) => `${k}=${params[k]}`)
        .join('') + expect.appSecret,
    )
    if (f.appId !== expect.appId) return { status: 200, body: { code: '110000', message: 'appId不合法', value: '' } }
    if (sign !== expected) return { status: 200, body: { code: '1006', message: '签名认证失败', value: '' } }
    state.sends.push(request)
    const scripted = state.script.next()
    if (scripted) return scripted
    const dead = (f.pushIds ?? '').split(',').filter((id) => state.dead.has(id))
    return { status: 200, body: { code: '200', message: '', value: dead.length > 0 ? { 110003: dead } : {}, redirect: '' } }
  })
}
