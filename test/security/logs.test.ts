// The log never shows a secret or a message's content: not in URLs, and not in the errors of a failing database.
import t from 'tap'
import { PassThrough } from 'node:stream'
import { sql } from 'kysely'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'

function capture() {
  const lines: string[] = []
  const stream = new PassThrough()
  stream.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)))
  return { stream, lines }
}

t.test('secrets in URLs and the values of failed SQL statements stay out of the log', async (t) => {
  const { stream, lines } = capture()
  const app = await buildTestApp(t, { env: { LOG_LEVEL: 'info' }, overrides: { logStream: stream } })
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const as = { 'access-token': alice.token }
  const login = await app.inject({ method: 'POST', url: '/token/user', payload: { name: alice.username, password: alice.password, device_guid: 'phone-1' } })
  const onDevice = { 'access-token': login.json().data.token }

  // A chat file: its upload URL carries the ticket, which is also the file's download sign.
  const urls = (await app.inject({ method: 'GET', url: `/file/upload/chat?file_type=100&to_type=1&to_id=${bob.userId}`, headers: as })).json().data
  const sign = new URL(urls.download_url).searchParams.get('file_sign')!
  const boundary = '----logtest'
  await app.inject({
    method: 'POST',
    url: urls.upload_url.slice(PUBLIC_URL.length),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\nbytes\r\n--${boundary}--\r\n`,
  })
  await app.inject({ method: 'GET', url: `/file/download/chat?file_sign=${sign}`, headers: as })
  await app.inject({ method: 'GET', url: `/file/upload/forward?file_sign=${sign}&to_type=1&to_id=${bob.userId}`, headers: as })
  await app.inject({
    method: 'POST',
    url: '/roster/apply?auth_answer=ANSWER-IN-THE-URL&reason=REASON-IN-THE-URL',
    headers: as,
    payload: { user_id: bob.userId },
  })
  await app.inject({ method: 'POST', url: `/message/send?type=1&targets=${bob.userId}&content=CONTENT-IN-THE-URL`, headers: as })
  await app.inject({ method: 'GET', url: '/roster/mobile?mobile=13912345678', headers: as })
  // MaxIM's login by SMS code carries the code as `captcha` in the query.
  await app.inject({ method: 'GET', url: '/app/user/info_pwd?captcha=864213&mobile=13912345679', headers: { app_id: 'default' } })

  // The database refuses the next writes, quoting what it was given, as PostgreSQL does for bad input.
  const db = app.testDatabase.database.db
  await sql`create function refuse_for_test() returns trigger language plpgsql as $$
    begin raise exception 'refused "%" for the test', coalesce(to_jsonb(new)->>'content', to_jsonb(new)->>'device_token'); end $$`.execute(db)
  await sql`create trigger refuse_messages before insert on messages for each row execute function refuse_for_test()`.execute(db)
  await sql`create trigger refuse_devices before update on devices for each row execute function refuse_for_test()`.execute(db)
  const failedSend = await app.inject({
    method: 'POST',
    url: '/message/send',
    headers: as,
    payload: { type: 1, targets: [bob.userId], content: 'MESSAGE-CONTENT-SECRET' },
  })
  t.equal(failedSend.statusCode, 500, 'the failing database is a 500')
  const devices = (await app.inject({ method: 'GET', url: '/user/device/list', headers: onDevice })).json()
  const failedBind = await app.inject({
    method: 'POST',
    url: '/user/token/bind',
    headers: onDevice,
    payload: { device_sn: devices.data[0].device_sn, device_token: 'PUSH-TOKEN-SECRET' },
  })
  t.equal(failedBind.statusCode, 500, 'binding a push token fails too')

  const text = lines.join('\n')
  t.ok(
    lines.some((l) => JSON.parse(l).level >= 50),
    'the failures were logged as errors',
  )
  t.ok(
    lines.some((l) => JSON.parse(l).err?.message === 'refused "[redacted]" for the test'),
    "the database's message is logged, the value it quotes is not",
  )
  for (const secret of [
    sign,
    alice.token,
    'ANSWER-IN-THE-URL',
    'REASON-IN-THE-URL',
    'CONTENT-IN-THE-URL',
    '13912345678',
    '864213',
    'MESSAGE-CONTENT-SECRET',
    'PUSH-TOKEN-SECRET',
  ]) {
    t.notOk(text.includes(secret), `${secret.slice(0, 20)}… is not in the log`)
  }
  t.match(text, /file_sign=%5Bredacted%5D/, 'the sign is shown as redacted')
  t.match(text, new RegExp(`to_id=${bob.userId}`), 'ids stay readable')
})
