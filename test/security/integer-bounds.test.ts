// Integers past what the database holds get a 4xx in each surface's envelope, never a 500; every route's schema bounds its integers.
import t from 'tap'
import { sql } from 'kysely'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup } from '../helpers/groups.ts'
import { listen, openSocket } from '../helpers/sockets.ts'
import { changedTables, tableDigests } from '../helpers/snapshot.ts'

const SAFE = Number.MAX_SAFE_INTEGER

interface Schema {
  type?: string | string[]
  minimum?: number
  maximum?: number
  properties?: Record<string, Schema>
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
}

/** Every integer or number schema inside `schema`, with where it is. */
function numbers(schema: Schema | undefined, where: string, found: Array<[string, Schema]> = []): Array<[string, Schema]> {
  if (!schema || typeof schema !== 'object') return found
  const types = Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types.includes('integer') || types.includes('number')) found.push([where, schema])
  for (const [name, property] of Object.entries(schema.properties ?? {})) numbers(property, `${where}.${name}`, found)
  numbers(schema.items, `${where}[]`, found)
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) numbers(branch, where, found)
  return found
}

t.test('every integer a route accepts has a minimum and a maximum the database can hold', async (t) => {
  const app = await buildTestApp(t)
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  const unbounded: string[] = []
  let checked = 0
  for (const [path, operations] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, operation] of Object.entries<any>(operations)) {
      const inputs: Array<[string, Schema]> = (operation.parameters ?? []).map((p: any) => [`${p.in}:${p.name}`, p.schema])
      for (const [type, content] of Object.entries<any>(operation.requestBody?.content ?? {})) inputs.push([`body(${type})`, content.schema])
      for (const [where, schema] of inputs) {
        for (const [field, number] of numbers(schema, where)) {
          checked++
          const ok = typeof number.minimum === 'number' && typeof number.maximum === 'number' && number.minimum >= -SAFE && number.maximum <= SAFE
          if (!ok) unbounded.push(`${method.toUpperCase()} ${path} ${field} (minimum ${number.minimum}, maximum ${number.maximum})`)
        }
      }
    }
  }
  t.ok(checked > 100, `integers of the route schemas were found (${checked})`)
  t.same(unbounded, [], 'no integer parameter is unbounded')
})

t.test('REST: integers past their column answer 10002 and store nothing', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const group = await createGroup(app, alice, {}, [bob])
  const as = { 'access-token': alice.token }
  const sent = await app.inject({ method: 'POST', url: '/message/send', headers: as, payload: { type: 1, targets: [bob.userId], content: 'hi' } })
  t.equal(sent.json().code, 200)

  const cases: Array<[string, string, object | undefined]> = [
    ['GET', `/message/conversation?opposite_id=${bob.userId}&msg_id_start=1e20`, undefined],
    ['GET', `/message/conversation?opposite_id=${bob.userId}&msg_id_start=9223372036854775808`, undefined],
    ['POST', '/message/send', { type: 1, targets: [bob.userId], content_type: 10, related_mid: 2 ** 63 }],
    ['POST', '/message/send', { type: 1, targets: [bob.userId], content_type: 12, related_mid: 1e20, content: 'x' }],
    ['GET', `/message/ack?msg_id=${2 ** 63}`, undefined],
    ['GET', '/user/device/list?cursor=2147483648', undefined],
    ['GET', '/user/device/list?cursor=9999999999', undefined],
    ['POST', '/group/file/upload', { group_id: group, name: 'big.bin', size: 1e19, url: 'http://files.test/big.bin' }],
    ['POST', '/group/file/upload', { group_id: group, name: 'big.bin', size: 2 ** 63, url: 'http://files.test/big.bin' }],
    ['GET', '/group/member_list?group_id=' + group + '&version=1e20', undefined],
    ['POST', '/group/msg/push_mode', { group_id: group, msg_push_mode: 2 ** 40 }],
    ['POST', '/user/settings', { silence_start_time: 1e20 }],
    ['GET', '/file/upload/chat?file_type=1e20&to_type=1&to_id=' + bob.userId, undefined],
    ['GET', '/roster/list?cursor=99999999999999999999', undefined],
  ]
  for (const [method, url, payload] of cases) {
    const before = await tableDigests(app)
    const r = await app.inject({ method: method as 'GET', url, headers: as, ...(payload ? { payload } : {}) })
    t.equal(r.statusCode, 200, `${method} ${url} ${JSON.stringify(payload ?? '')}: HTTP 200 (${r.body})`)
    t.equal(r.json().code, 10002, `${method} ${url}: code 10002`)
    t.same(changedTables(before, await tableDigests(app)), [], `${method} ${url}: nothing stored`)
  }
})

t.test('legacy and facade: ids past 32 bits answer in their envelopes', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const legacy = { uid: String(alice.userId), accessToken: alice.token }
  for (const [url, form] of [
    ['/chat/group!joinGroup', { groupId: '99999999999999999999' }],
    ['/chat/group!getGroupDetail', { groupId: '2147483648' }],
    ['/chat/group!setingGroup', { groupId: '1', userId: '1e20', showName: 'x' }],
    ['/user/user!readUser', { userId: '9223372036854775808' }],
  ] as const) {
    const r = await app.inject({ method: 'POST', url, headers: legacy, payload: form })
    t.equal(r.statusCode, 200, `${url}: HTTP 200`)
    t.equal(r.json().success, false, `${url}: success false (${r.body})`)
  }
  const facade = { authorization: `Token ${alice.token}` }
  for (const url of ['/api/im/group/99999999999999999999/users/', '/api/im/retrieve/2147483648/', '/api/im/group/?page=99999999999&page_size=1e20']) {
    const r = await app.inject({ method: 'GET', url, headers: facade })
    t.ok(r.statusCode >= 400 && r.statusCode < 500, `${url}: a 4xx (${r.statusCode} ${r.body})`)
    t.type(r.json().detail, 'string', `${url}: {detail}`)
  }
  const join = await app.inject({ method: 'POST', url: '/api/im/group/1/join/', headers: facade, payload: { userid: '9223372036854775808' } })
  t.equal(join.statusCode, 400, 'a huge userid is a 400')
})

t.test('/ws: sync frames with numbers past their columns answer an error frame', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const socket = await openSocket(await listen(app), alice.token)
  t.teardown(() => socket.close())
  const frames = [
    { type: 'sync', id: 1, conversation: { type: 1, id: 2 ** 31 }, after_seq: 0 },
    { type: 'sync', id: 2, conversation: { type: 1, id: 2 }, after_seq: 1e20 },
    { type: 'sync', id: 3, conversation: { type: 2, id: 1 }, after_seq: 0, limit: 2 ** 53 },
  ]
  for (const frame of frames) {
    socket.send(frame)
    const answer = await socket.next((f) => f.id === frame.id)
    t.equal(answer.type, 'error', `frame ${frame.id}: an error frame`)
    t.equal(answer.code, 10002, `frame ${frame.id}: code 10002`)
  }
  socket.send({ type: 'ping', id: 'still-there' })
  t.equal((await socket.next((f) => f.id === 'still-there')).type, 'pong', 'the socket stays open')
})

t.test('the device list version cannot overflow, however many devices a user has', async (t) => {
  const app = await buildTestApp(t)
  const alice = await registerUser(app)
  const as = { 'access-token': alice.token }
  // 2,200 devices (the old sum overflowed int32 past ~2,147): set up in SQL, as 2,200 logins would take minutes.
  await sql`insert into devices (user_id, device_sn, device_guid, push_token, user_agent)
    select ${alice.userId}, sn, 'guid-' || sn, '', 'agent ' || sn from generate_series(1000, 3199) as sn`.execute(app.testDatabase.database.db)
  const first = await app.inject({ method: 'GET', url: '/user/device/list?limit=100', headers: as })
  t.equal(first.statusCode, 200, `HTTP 200 (${first.body.slice(0, 200)})`)
  const page = first.json()
  t.equal(page.code, 200, 'the list answers')
  t.equal(page.data.length, 100, 'a page of 100')
  t.ok(Number.isInteger(page.version) && page.version >= 0 && page.version <= 2147483647, `version ${page.version} is an int32`)
  const again = (await app.inject({ method: 'GET', url: `/user/device/list?limit=100&cursor=${page.cursor}`, headers: as })).json()
  t.equal(again.version, page.version, 'the version is the same while the list is')
  const removed = await app.inject({ method: 'POST', url: '/user/device/remove?device_sn=3199', headers: as })
  t.equal(removed.json().code, 200, 'a device is removed')
  const after = (await app.inject({ method: 'GET', url: '/user/device/list?limit=1', headers: as })).json()
  t.not(after.version, page.version, 'the version changed with the list')
  const admin = await app.inject({ method: 'GET', url: '/user/device/list', headers: { 'access-token': ADMIN_TOKEN, user_id: String(alice.userId) } })
  t.equal(admin.statusCode, 200, 'no 5xx for the admin token either')
})
