// SMS providers: the file outbox, the webhook with retries, and the console that shows codes only outside production.
import t from 'tap'
import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import pino from 'pino'
import { createSmsSender, webhookSender } from '../../src/platform/sms.ts'

const message = { mobile: '13800000000', code: '123456', purpose: 'register' as const }

function capture() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new PassThrough()
  stream.on('data', (chunk) =>
    lines.push(
      ...String(chunk)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ),
  )
  return { log: pino(stream), lines }
}

t.test('file provider appends one JSON line per code', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'im-gateway-sms-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const outbox = join(dir, 'nested', 'outbox.jsonl')
  const sender = createSmsSender({ SMS_PROVIDER: 'file', SMS_OUTBOX: outbox, NODE_ENV: 'production' }, capture().log)
  await sender.send(message)
  await sender.send({ ...message, code: '654321', purpose: 'reset' })
  const lines = readFileSync(outbox, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  t.match(lines, [
    { ...message, sent_at: Number },
    { mobile: message.mobile, code: '654321', purpose: 'reset', sent_at: Number },
  ])
  t.same(Object.keys(lines[0]), ['mobile', 'code', 'purpose', 'sent_at'])
})

t.test('console provider shows the code only outside production', async (t) => {
  const dev = capture()
  await createSmsSender({ SMS_PROVIDER: 'console', SMS_OUTBOX: '', NODE_ENV: 'development' }, dev.log).send(message)
  t.match(dev.lines[0], { mobile: message.mobile, code: '123456' })
  const prod = capture()
  await createSmsSender({ SMS_PROVIDER: 'console', SMS_OUTBOX: '', NODE_ENV: 'production' }, prod.log).send(message)
  t.match(prod.lines[0], { mobile: message.mobile, msg: 'verification code sent' })
  t.notOk(JSON.stringify(prod.lines).includes('123456'), 'no code in production logs')
})

t.test('webhook provider POSTs the JSON, retries 5xx, gives up on 4xx', async (t) => {
  const received: unknown[] = []
  let failures = 2
  let status = 503
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      received.push(JSON.parse(body))
      if (failures-- > 0) res.writeHead(status).end()
      else res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sms`
  await webhookSender(url, capture().log, 3, 5).send(message)
  t.equal(received.length, 3, 'two 503s, then delivered')
  t.match(received[2], { ...message, sent_at: Number })

  received.length = 0
  failures = 5
  status = 400
  await t.rejects(webhookSender(url, capture().log, 3, 5).send(message))
  t.equal(received.length, 1, 'a 4xx is not retried')
})

t.test('a failed send leaves no code behind and answers SMS_UNAVAILABLE', async (t) => {
  const { buildTestApp } = await import('../helpers/app.ts')
  const app = await buildTestApp(t, {
    overrides: {
      sms: {
        send: async () => {
          throw new Error('gateway down')
        },
      },
    },
  })
  const r = await app.inject({ method: 'POST', url: '/user/user!sendRegisterCode', payload: { 'userVO.userMobile': '13800000009' } })
  t.same(r.json(), { success: false, info: '验证码发送失败，请稍后再试', code: 10019 })
  const left = await app.testDatabase.database.db.selectFrom('verification_codes').selectAll().execute()
  t.same(left, [])
})
