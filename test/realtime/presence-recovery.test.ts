// A process the others forgot (no heartbeat for a minute, as during a long database outage) records its open sockets again by itself.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { listen, openSocket, pause } from '../helpers/sockets.ts'

t.test('online_status comes back without reconnecting once the process is heard again', async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const bob = await registerUser(app)
  const socket = await openSocket(url, bob.token)
  const online = async () => (await app.inject({ method: 'GET', url: '/user/online_status', headers: { 'access-token': bob.token } })).json().data.online
  t.equal(await online(), true)
  // What another process does to one whose heartbeat is a minute old: forget it and its connections.
  await app.testDatabase.database.db.deleteFrom('presence_processes').execute()
  t.equal(await online(), false, 'forgotten')
  const deadline = Date.now() + 12_000
  while (!(await online()) && Date.now() < deadline) await pause(250)
  t.equal(await online(), true, 'the next heartbeat records the open socket again')
  await socket.close()
})
