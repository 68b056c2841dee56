// Two gateways on one database: a socket on one receives what is sent through the other; revocation and presence cross over.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { inProcessCluster, realProcessesPossible, gatewayProcesses } from '../helpers/cluster.ts'
import { registerUser } from '../helpers/users.ts'
import { sendText } from '../helpers/messages.ts'
import { openSocket, pause } from '../helpers/sockets.ts'

t.test('two apps in this process on one database (and one Redis when configured)', async (t) => {
  const cluster = await inProcessCluster(t)
  const a = cluster.first
  const b = await cluster.start()
  const [alice, bob] = [await registerUser(a), await registerUser(a)]
  const bobOnB = await openSocket(b.wsUrl, bob.token)
  const aliceOnB = await openSocket(b.wsUrl, alice.token)
  const msgId = await sendText(a, alice.token, bob.userId, 'through A')
  t.match(await bobOnB.next((f) => f.type === 'message'), { msg_id: msgId, content: 'through A', seq: 1 }, 'B delivers what A stored')
  t.match(await aliceOnB.next((f) => f.type === 'message'), { msg_id: msgId }, "to the sender's sockets too")

  const online = await a.inject({ method: 'GET', url: '/user/online_status', headers: { 'access-token': bob.token } })
  t.same(online.json().data, { online: true }, 'A sees a socket held by B')

  const started = Date.now()
  await a.inject({ method: 'POST', url: '/user/user!signOut', headers: { uid: String(alice.userId), accessToken: alice.token } })
  t.match(await aliceOnB.next((f) => f.type === 'kick'), { type: 'kick' }, 'a sign-out on A kicks the socket on B')
  t.ok(Date.now() - started < 1000, 'within a second')

  await b.stop()
  await pause(50)
  const after = await a.inject({ method: 'GET', url: '/user/online_status', headers: { 'access-token': bob.token } })
  t.same(after.json().data, { online: false }, 'a stopped process takes its connections with it')
})

t.test(
  'two server processes on one PostgreSQL and one Redis',
  { skip: !realProcessesPossible && 'needs DATABASE_URL and REDIS_URL (processes cannot share the embedded database)' },
  async (t) => {
    const app = await buildTestApp(t)
    const [a, b] = await gatewayProcesses(t, app.testDatabase.url!).pair()
    const [alice, bob] = [await registerUser(app), await registerUser(app)]
    const bobOnB = await openSocket(b.wsUrl, bob.token)
    const aliceOnB = await openSocket(b.wsUrl, alice.token)
    const sent = await fetch(`${a.url}/message/send`, {
      method: 'POST',
      headers: { 'access-token': alice.token, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 1, targets: [bob.userId], content: 'from process A' }),
    })
    const body = (await sent.json()) as { code: number; msg_ids: number[] }
    t.equal(body.code, 200)
    t.match(await bobOnB.next((f) => f.type === 'message'), { msg_id: body.msg_ids[0], content: 'from process A' }, 'process B delivers it')
    const online = (await (await fetch(`${a.url}/user/online_status`, { headers: { 'access-token': bob.token } })).json()) as { data: unknown }
    t.same(online.data, { online: true }, 'process A sees the socket on process B')
    await fetch(`${a.url}/user/user!signOut`, { method: 'POST', headers: { uid: String(alice.userId), accessToken: alice.token } })
    t.match(await aliceOnB.next((f) => f.type === 'kick', 1000), { type: 'kick' }, 'revoked on A, kicked on B within a second')
    await bobOnB.close()
    await Promise.all([a.stop(), b.stop()])
  },
)
