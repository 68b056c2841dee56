// Every group operation on every surface refuses a missing or bad token, and every REST one a call without its parameters.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup } from '../helpers/groups.ts'

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  query: unknown[]
  body: unknown[]
}
const operations = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'spec', 'rest-api.json'), 'utf8')) as Operation[]).filter((o) =>
  o.path.startsWith('/group/'),
)

/** The operations whose every parameter is optional. */
const NO_REQUIRED_PARAMETERS = new Set(['GET /group/public_list', 'GET /group/user_joined', 'GET /group/invitation_list'])

t.test('group operations: auth and input on every surface', async (t) => {
  const app = await buildTestApp(t)
  const user = await registerUser(app)
  const groupId = await createGroup(app, user)

  await t.test('REST: all 76 operations', async (t) => {
    t.equal(operations.length, 76)
    for (const op of operations) {
      const key = `${op.method} ${op.path}`
      const none = await app.inject({ method: op.method, url: op.path, payload: {} })
      t.same(none.json(), { code: 10003, message: 'access-token header is missing', data: null }, `${key}: no token`)
      const bad = await app.inject({ method: op.method, url: op.path, headers: { 'access-token': 'Q'.repeat(43) }, payload: {} })
      t.match(bad.json(), { code: 402, data: null }, `${key}: unknown token`)
      if (NO_REQUIRED_PARAMETERS.has(key)) {
        t.match(
          (await app.inject({ method: op.method, url: op.path, headers: { 'access-token': user.token } })).json(),
          { code: 200 },
          `${key}: no parameters needed`,
        )
      } else {
        const empty = await app.inject({ method: op.method, url: op.path, headers: { 'access-token': user.token }, payload: {} })
        t.match(empty.json(), { code: 10002, data: null }, `${key}: parameters missing`)
      }
    }
  })

  await t.test('REST: a group id that is no group is 20001 wherever one is named', async (t) => {
    for (const op of operations) {
      const key = `${op.method} ${op.path}`
      if (NO_REQUIRED_PARAMETERS.has(key) || key.includes('qrcode/invite') || key.includes('info/batch') || key.includes('/group/create')) continue
      const params = {
        group_id: 999999,
        group_list: [999999],
        user_list: [user.userId],
        value: op.path.includes('settings/') ? true : 'x',
        user_id: user.userId,
        approval: true,
        duration: 5,
        apply_approval: 1,
        new_owner: user.userId,
        content: 'c',
        title: 't',
        announcement_id: 1,
        file_id: 1,
        file_list: [1],
        name: 'n',
        size: 1,
        url: 'u',
        msg_mute_mode: 0,
        msg_push_mode: 0,
      }
      const query = new URLSearchParams(
        Object.entries(params)
          .filter(([, v]) => !Array.isArray(v))
          .map(([k, v]): [string, string] => [k, String(v)]),
      )
      const r = await app.inject({
        method: op.method,
        url: `${op.path}?${query}`,
        headers: { 'access-token': user.token },
        ...(op.method === 'GET' ? {} : { payload: params }),
      })
      t.match(r.json(), { code: 20001 }, `${key}`)
    }
  })

  await t.test('legacy: every chat/group! action needs uid and accessToken', async (t) => {
    for (const action of ['joinGroup', 'groupList', 'getGroupDetail', 'userSetGroup', 'exitGroup', 'deleteUser', 'updateGroup', 'setingGroup']) {
      const none = await app.inject({ method: 'POST', url: `/chat/group!${action}`, payload: { groupId: String(groupId) } })
      t.same(none.json(), { success: false, info: '请先登录', code: 10003 }, `${action}: no headers`)
      const wrong = await app.inject({
        method: 'POST',
        url: `/chat/group!${action}`,
        headers: { uid: String(user.userId + 1), accessToken: user.token },
        payload: { groupId: String(groupId) },
      })
      t.same(wrong.json(), { success: false, info: '登录已失效，请重新登录', code: 402 }, `${action}: another uid's token`)
    }
  })

  await t.test('facade: every group route but retrieve needs a token', async (t) => {
    for (const [method, url] of [
      ['POST', '/api/im/group/'],
      ['GET', '/api/im/group/'],
      ['POST', `/api/im/group/${groupId}/join/`],
      ['POST', `/api/im/group/${groupId}/invite/`],
      ['GET', `/api/im/group/${groupId}/quit/`],
      ['GET', `/api/im/group/${groupId}/users/`],
      ['GET', `/api/im/group/${groupId}/dismiss/`],
    ] as const) {
      const r = await app.inject({ method, url })
      t.equal(r.statusCode, 401, `${method} ${url}`)
      t.same(r.json(), { detail: '身份认证信息未提供。' })
    }
    t.equal((await app.inject({ method: 'GET', url: `/api/im/retrieve/${groupId}/` })).statusCode, 200, 'retrieve is public')
    t.equal((await app.inject({ method: 'GET', url: '/api/im/group/abc/users/', headers: { authorization: `Token ${user.token}` } })).statusCode, 404)
  })
})
