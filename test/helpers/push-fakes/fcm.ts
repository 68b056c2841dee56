// A local Google OAuth token endpoint and FCM HTTP v1: the RS256 assertion verified with the service account's public key, the Bearer token checked on each send.
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { formOf, Script, startServer, verifyJwt } from './server.ts'

export interface FakeFcm {
  url: string
  tokenUrl: string
  /** Every send request accepted past authentication, with its parsed body. */
  sends: Array<{ path: string; headers: Record<string, unknown>; body: { message: Record<string, unknown> } }>
  /** Every token request, with the assertion's verified claims. */
  tokenRequests: Array<{ claims: Record<string, unknown> }>
  /** Registration tokens FCM answers 404 UNREGISTERED for. */
  unregistered: Set<string>
  /** Answers for the next sends. */
  script: Script
  /** Access tokens issued and still honoured; clear it to make FCM refuse them (401). */
  issued: Set<string>
  close: () => Promise<void>
}

/** A service account's key pair, as Google's key file carries it (PKCS#8 PEM). */
export function serviceAccountKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey }
}

const fcmError = (status: number, code: string, errorCode?: string) => ({
  status,
  body: {
    error: {
      code: status,
      message: code,
      status: code,
      details: errorCode ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] : [],
    },
  },
})

export async function startFakeFcm(expect: { publicKey: KeyObject; clientEmail: string; projectId: string }): Promise<FakeFcm> {
  const sends: FakeFcm['sends'] = []
  const tokenRequests: FakeFcm['tokenRequests'] = []
  const unregistered = new Set<string>()
  const issued = new Set<string>()
  const script = new Script()
  let counter = 0
  const server = await startServer((request) => {
    if (request.path === '/token') {
      const fields = formOf(request)
      if (request.method !== 'POST' || fields.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
        return { status: 400, body: { error: 'unsupported_grant_type' } }
      const jwt = verifyJwt(fields.assertion ?? '', expect.publicKey, 'RS256')
      const claims = jwt?.claims
      if (
        !claims ||
        claims.iss !== expect.clientEmail ||
        claims.aud !== `${server.url}/token` ||
        claims.scope !== 'https://www.googleapis.com/auth/firebase.messaging' ||
        typeof claims.iat !== 'number' ||
        claims.exp !== claims.iat + 3600
      ) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } }
      }
      tokenRequests.push({ claims })
      const token = `ya29.fake-${++counter}`
      issued.add(token)
      return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } }
    }
    const match = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(request.path)
    if (!match || request.method !== 'POST') return { status: 404, body: { error: { code: 404, status: 'NOT_FOUND', message: 'no such method' } } }
    const bearer = String(request.headers.authorization ?? '').replace(/^Bearer /, '')
    if (!issued.has(bearer)) return fcmError(401, 'UNAUTHENTICATED')
    if (match[1] !== expect.projectId) return fcmError(403, 'PERMISSION_DENIED')
    if (!String(request.headers['content-type']).startsWith('application/json')) return fcmError(400, 'INVALID_ARGUMENT')
    const body = JSON.parse(request.body) as { message: Record<string, unknown> }
    sends.push({ path: request.path, headers: request.headers, body })
    const scripted = script.next()
    if (scripted) return scripted
    if (unregistered.has(String(body.message.token))) return fcmError(404, 'NOT_FOUND', 'UNREGISTERED')
    return { status: 200, body: { name: `projects/${expect.projectId}/messages/0:${sends.length}` } }
  })
  return { url: server.url, tokenUrl: `${server.url}/token`, sends, tokenRequests, unregistered, script, issued, close: server.close }
}

export { fcmError }
