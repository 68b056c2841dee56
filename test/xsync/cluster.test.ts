// xsync across gateways: an upload on one is a NOTICE and a pull on the other; online status counts xsync sockets.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { inProcessCluster, realProcessesPossible, gatewayProcesses } from '../helpers/cluster.ts'
import { registerUser } from '../helpers/users.ts'
import { connectSocketIo, connectWebSocket, login, pull, sendText } from '../helpers/xsync.ts'

t.test('two apps on one database (and one Redis when configured)', async (t) => {
  const cluster = await inProcessCluster(t)
  const a = cluster.first
  const b = await cluster.start()
  const [alice, bob] = [await registerUser(a), await registerUser(a)]
  const bobOnB = await connectWebSocket(b.url)
  const aliceOnA = await connectSocketIo(cluster.firstUrl)
  t.teardown(() => [bobOnB, aliceOnA].forEach((c) => c.close()))
  await login(bobOnB, bob.userId, bob.token)
  const aliceLogin = await login(aliceOnA, alice.userId, alice.token)
  const online = await a.inject({ method: 'GET', url: '/user/online_status', headers: { 'access-token': bob.token } })
  t.same(online.json().data, { online: true }, 'A counts the xsync socket held by B as online')
  const ack = await sendText(aliceOnA, { uid: alice.userId, deviceSN: aliceLogin.xid.deviceSN }, bob.userId, 'through A')
  t.equal((await bobOnB.next((f) => f.command === 'NOTICE')).body.uid, alice.userId, 'B tells its socket')
  t.match((await pull(bobOnB, alice.userId)).metas, [{ id: ack.server_mid }], 'and serves the message A stored')
})

t.test(
  'two server processes on one PostgreSQL and one Redis',
  { skip: !realProcessesPossible && 'needs DATABASE_URL and REDIS_URL (processes cannot share the embedded database)' },
  async (t) => {
    const app = await buildTestApp(t)
    const [a, b] = await gatewayProcesses(t, app.testDatabase.url!).pair()
    const [alice, bob] = [await registerUser(app), await registerUser(app)]
    const aliceOnA = await connectSocketIo(a.url)
    const bobOnB = await connectSocketIo(b.url)
    t.teardown(() => [bobOnB, aliceOnA].forEach((c) => c.close()))
    const aliceLogin = await login(aliceOnA, alice.userId, alice.token)
    await login(bobOnB, bob.userId, bob.token)
    const ack = await sendText(aliceOnA, { uid: alice.userId, deviceSN: aliceLogin.xid.deviceSN }, bob.userId, 'from process A')
    t.match(ack.status, { code: 'OK' })
    t.equal((await bobOnB.next((f) => f.command === 'NOTICE')).body.uid, alice.userId, 'process B tells its socket')
    t.match((await pull(bobOnB, alice.userId)).bodies, [{ content: 'from process A' }], 'and serves the message')
    await fetch(`${a.url}/user/user!signOut`, { method: 'POST', headers: { uid: String(alice.userId), accessToken: alice.token } })
    await aliceOnA.closed
    t.pass('a sign-out closes the xsync socket')
    await Promise.all([a.stop(), b.stop()])
  },
)
