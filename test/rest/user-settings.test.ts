// REST settings and push preferences (002 §3): the settings object, every single setter, alias, badge, tags, open ids.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

t.test('settings', async (t) => {
  const app = await buildTestApp(t)
  const u = await registerUser(app)
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, token = u.token) =>
    app.inject({ method, url, payload: payload as object, headers: { 'access-token': token } }).then((r) => r.json())
  const settings = async () => (await call('GET', '/user/settings')).data

  await t.test('GET shows the defaults of semantics §5', async (t) => {
    t.match(await settings(), {
      user_id: u.userId,
      auth_mode: 0,
      group_confirm: false,
      no_push: false,
      no_sounds: false,
      vibratory: true,
      auto_download: true,
      push_token: '',
    })
  })

  await t.test('POST/PUT /user/settings change only what is sent and check ranges', async (t) => {
    t.equal((await call('POST', '/user/settings', { no_sounds: true, push_nick_name: 'PN', id: 999, user_id: 1 })).data, true)
    t.match(await settings(), { no_sounds: true, push_nick_name: 'PN', vibratory: true, user_id: u.userId })
    await call('PUT', '/user/settings', { group_confirm: true, auth_mode: 1 })
    t.match(await settings(), { group_confirm: true, auth_mode: 1, no_sounds: true })
    t.match(await call('POST', '/user/settings', { auth_mode: 7 }), { code: 10002 })
    t.match(await call('POST', '/user/settings', { auth_mode: 2 }), { code: 10002, message: /auth_question/ })
    t.equal((await call('POST', '/user/settings', { auth_mode: 2, auth_question: 'q?', auth_answer: 'a' })).data, true)
    t.match(await call('POST', '/user/settings', { no_push_start_hour: 24 }), { code: 10002 })
  })

  await t.test('single setters take `value` from the query (or the body)', async (t) => {
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['/user/authmode', '3', { auth_mode: 3 }],
      ['/user/download', 'false', { auto_download: false }],
      ['/user/sounds', 'false', { no_sounds: false }],
      ['/user/vibratory', 'false', { vibratory: false }],
      ['/user/push', 'true', { no_push: true }],
      ['/user/push/detail', 'true', { no_push_detail: true }],
      ['/user/push/nickname', 'Pushy', { push_nick_name: 'Pushy' }],
    ]
    for (const [url, value, expected] of cases) {
      t.equal((await call('POST', `${url}?value=${value}`)).data, true, `POST ${url}`)
      t.match(await settings(), expected)
      t.match(await call('PUT', url), { code: 10002, message: /value is required/ }, `PUT ${url} without value`)
    }
    t.equal((await call('PUT', '/user/authmode', { value: 0 })).data, true)
    t.equal((await settings()).auth_mode, 0)
    t.match(await call('POST', '/user/authmode?value=9'), { code: 10002 })
    t.match(await call('POST', '/user/download?value=maybe'), { code: 10002 })
    t.equal((await call('POST', '/user/push/limit?no_push_start_hour=22&no_push_end_hour=7')).data, true)
    t.match(await settings(), { no_push_start_hour: 22, no_push_end_hour: 7 })
    t.match(await call('POST', '/user/push/limit?no_push_start_hour=22'), { code: 10002 })
  })

  await t.test('alias, badge and tags', async (t) => {
    t.equal((await call('POST', '/user/push/alias', { alias: 'me' })).data, true)
    t.match(await call('POST', '/user/push/alias', { alias: 'me', push_token: 'not-mine' }), { code: 10002 })
    t.equal((await call('POST', '/user/push/badge', { badge: 3 })).data, true)
    t.match(await call('POST', '/user/push/badge', { badge: -1 }), { code: 10002 })
    t.equal((await call('POST', '/user/push/tag', { tags: ['b', 'a', 'b'] })).data, true)
    t.same((await call('GET', '/user/push/tag')).data, ['a', 'b'])
    t.match(await call('POST', '/user/push/tag', { tags: ['has space'] }), { code: 10002 })
    await call('DELETE', '/user/push/tag', { tags: ['a'] })
    t.same((await call('GET', '/user/push/tag')).data, ['b'])
    await call('DELETE', '/user/push/tag/all')
    t.same((await call('GET', '/user/push/tag')).data, [])
  })

  await t.test('bind_openid: one account per open id', async (t) => {
    t.equal((await call('GET', '/user/bind_openid?open_id=wx-1&type=wechat')).data, true)
    t.equal((await call('GET', '/user/bind_openid?open_id=wx-1&type=wechat')).data, true, 'binding again is fine')
    const other = await registerUser(app)
    t.match(await call('GET', '/user/bind_openid?open_id=wx-1&type=wechat', undefined, other.token), { code: 10011 })
    // MaxIM's SDK sends open_id alone: a WeChat open id, the same binding as type=wechat.
    t.equal((await call('GET', '/user/bind_openid?open_id=wx-2')).data, true, 'type may be left out')
    t.match(await call('GET', '/user/bind_openid?open_id=wx-2&type=wechat', undefined, other.token), { code: 10011 }, 'without type it is a wechat open id')
    t.equal((await call('GET', '/user/bind_openid?open_id=wx-2&type=other', undefined, other.token)).data, true, 'another type is another id')
  })
})
