// WebSocket floods: a socket sending frames too fast is refused then closed (1008), a client that does not read is closed (1013), HTTP answers meanwhile; a handshake over the rate limit is 429.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { sendText } from '../helpers/messages.ts'
import { framesOf, listen, openSocket, pause, type TestSocket } from '../helpers/sockets.ts'

/** How the socket was closed, or code 0 when it is still open after `ms`. */
function closedWithin(socket: TestSocket, ms: number) {
  return Promise.race([socket.closed, pause(ms).then(() => ({ code: 0, reason: 'still open' }))])
}

t.test('a socket sending 1,000 sync frames is limited and closed while HTTP keeps answering', async (t) => {
  const app = await buildTestApp(t, { env: { WS_FRAMES_PER_SECOND: '20' } })
  const wsUrl = await listen(app)
  const httpUrl = wsUrl.replace(/^ws/, 'http')
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  for (let i = 1; i <= 3; i++) await sendText(app, bob.token, alice.userId, `hello ${i}`)
  const flooding = await openSocket(wsUrl, alice.token)
  for (let i = 0; i < 1000; i++) flooding.send({ type: 'sync', id: i })
  // While the server works through the flood, an HTTP request of the same user is answered.
  const profile = await fetch(`${httpUrl}/user/profile`, { headers: { 'access-token': alice.token } })
  t.equal(profile.status, 200, 'HTTP answers during the flood')
  t.match(await profile.json(), { code: 200, data: { user_id: alice.userId } })

  const closed = await closedWithin(flooding, 10_000)
  t.equal(closed.code, 1008, 'the flooding socket is closed (policy violation)')
  t.match(closed.reason, /too many frames/)
  // A burst of 40 (twice the rate) is taken, the next 40 are refused one by one, and the 81st ends the socket.
  const answers = framesOf(flooding, 'sync')
  const refusals = framesOf(flooding, 'error')
  t.ok(answers.length <= 40, `at most a burst is answered (${answers.length} of 1,000); what is pending when the socket closes is dropped`)
  t.equal(refusals.length, 40, 'the frames over the limit are refused, each with an error frame')
  t.ok(
    refusals.every((f) => f.code === 10015),
    'with code 10015',
  )
  t.match(refusals[0], { type: 'error', id: 40, code: 10015, message: /20 per second/ }, 'a refusal names the frame and the limit')

  // The limit is per socket: the same user's next socket works.
  const next = await openSocket(wsUrl, alice.token)
  next.send({ type: 'sync', id: 'again' })
  t.match(
    await next.next((f) => f.id === 'again'),
    { type: 'sync', conversations: [{ conversation: { type: 1, id: bob.userId }, last_seq: 3 }] },
    'a fresh socket syncs',
  )
  await next.close()
})

t.test('frames at a steady pace under the limit are all answered', async (t) => {
  const app = await buildTestApp(t, { env: { WS_FRAMES_PER_SECOND: '20' } })
  const wsUrl = await listen(app)
  const alice = await registerUser(app)
  const socket = await openSocket(wsUrl, alice.token)
  // 60 frames: a burst of 40 (the bucket holds twice the rate), then the rest at the rate.
  for (let i = 0; i < 60; i++) {
    socket.send({ type: 'ping', id: i })
    if (i >= 39) await pause(60)
  }
  await socket.next((f) => f.type === 'pong' && f.id === 59)
  t.equal(framesOf(socket, 'pong').length, 60, 'every ping answered')
  t.same(framesOf(socket, 'error'), [], 'nothing refused')
  await socket.close()
})

t.test('a client that does not read is closed with 1013 once WS_MAX_BUFFERED_BYTES wait for it', async (t) => {
  const app = await buildTestApp(t, { env: { WS_MAX_BUFFERED_BYTES: String(1024 * 1024) } })
  const wsUrl = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  // 10 messages of 60 kB: a sync of the conversation is a 600 kB frame.
  const big = 'x'.repeat(60_000)
  for (let i = 0; i < 10; i++) await sendText(app, bob.token, alice.userId, big)
  const sync = (id: number) => ({ type: 'sync', id, conversation: { type: 1, id: bob.userId }, after_seq: 0, limit: 200 })

  // A client that reads, one sync after the other: never behind.
  const reader = await openSocket(wsUrl, alice.token)
  for (let i = 0; i < 16; i++) {
    reader.send(sync(i))
    await reader.next((f) => f.id === i, 10_000)
  }
  t.equal(framesOf(reader, 'sync').length, 16, 'a client that reads gets every answer')
  await reader.close()

  // One that asks for 16 without reading: 9.6 MB, well past the bound and the kernel's buffers (and below the old fixed 16 MiB).
  const socket = await openSocket(wsUrl, alice.token)
  socket.ws.pause()
  for (let i = 0; i < 16; i++) socket.send(sync(i))
  await pause(1500)
  socket.ws.resume()
  const closed = await closedWithin(socket, 10_000)
  t.equal(closed.code, 1013, 'closed with 1013 (try again later)')
  t.match(closed.reason, /reconnect and sync/)
  t.ok(framesOf(socket, 'sync').length < 16, `what was due after the bound was passed was not sent (${framesOf(socket, 'sync').length} of 16 arrived)`)
})

t.test('a WebSocket handshake refused by the rate limit answers 429', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '3' } })
  const wsUrl = await listen(app)
  const alice = await registerUser(app)
  // registerUser made two requests; one more socket fits in the minute.
  const socket = await openSocket(wsUrl, alice.token)
  const refused = await openSocket(wsUrl, alice.token).then(
    () => null,
    (error) => error,
  )
  t.match(refused, { status: 429, body: /"code":10015/ }, 'HTTP 429 with the REST body')
  await socket.close()
})
