// The replay tool's own rules: matchers, captures, the fixture checks, request encoding and the SMS outbox.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { matchValue, type MatchContext } from '../../src/cli/replay/matchers.ts'
import { checkFixture, findFixtureFiles, type Fixture } from '../../src/cli/replay/fixture.ts'
import { replayFixture, type Target } from '../../src/cli/replay/runner.ts'
import { Variables } from '../../src/cli/replay/template.ts'
import { asyncListener } from '../helpers/http-listener.ts'

function compare(expected: unknown, actual: unknown, options: { vars?: Variables; place?: 'body' | 'header'; ignoreFieldOrder?: boolean } = {}) {
  const ctx: MatchContext = {
    vars: options.vars ?? new Variables(),
    place: options.place ?? 'body',
    ignoreFieldOrder: options.ignoreFieldOrder ?? false,
    differences: [],
  }
  matchValue(expected, actual, ['body'], ctx)
  return ctx.differences.map((difference) => `${difference.path}: ${difference.message}`)
}

t.test('literal values are compared exactly: types, fields, nesting, order', async (t) => {
  t.same(compare({ a: '1', b: [1, { c: null }] }, { a: '1', b: [1, { c: null }] }), [])
  t.same(compare({ groupId: '1' }, { groupId: 1 }), ['body.groupId: expected "1" (string), got 1 (integer)'])
  t.same(compare({ userId: 1 }, { userId: '1' }), ['body.userId: expected 1 (integer), got "1" (string)'])
  t.same(compare({ success: true }, { success: 1 }), ['body.success: expected true (boolean), got 1 (integer)'])
  t.same(compare({ a: 1, b: 2 }, { a: 1 }), ['body.b: missing, expected 2 (integer)'])
  t.same(compare({ a: 1 }, { a: 1, extra: 'x' }), ['body.extra: unexpected field, got "x" (string)'])
  t.same(compare({ a: { b: 1 } }, { a: [1] }), ['body.a: expected an object, got [1] (array)'])
  t.same(compare([1, 2], [1]), ['body[1]: missing, expected 2 (integer)'])
  t.same(compare([1], [1, 3]), ['body[1]: unexpected item 3 (integer)'])
  t.same(compare({ 'userVO.userName': 'a' }, { 'userVO.userName': 'b' }), ['body["userVO.userName"]: expected "a" (string), got "b" (string)'])
  t.same(compare({ a: 1, b: 2 }, { b: 2, a: 1 }), ['body: fields in another order: expected a, b; got b, a'])
  t.same(compare({ a: 1, b: 2 }, { b: 2, a: 1 }, { ignoreFieldOrder: true }), [])
  t.same(compare({ a: 1, b: 2 }, { b: 3, a: 1 }), ['body.b: expected 2 (integer), got 3 (integer)', 'body: fields in another order: expected a, b; got b, a'])
  t.same(compare({ a: 1, b: 2 }, { b: 2 }), ['body.a: missing, expected 1 (integer)'], 'a missing field is the news, not the order')
  t.same(compare(null, undefined), ['body: missing, expected null (null)'])
})

t.test('matchers: $any, $regex, $same, $capture, $contains, $absent, $literal', async (t) => {
  t.same(compare({ $any: 'string' }, ''), [])
  t.same(compare({ $any: 'string' }, 5), ['body: expected any string, got 5 (integer)'])
  t.same(compare({ $any: 'integer' }, 5), [])
  t.same(compare({ $any: 'integer' }, 5.5), ['body: expected any integer, got 5.5 (number)'])
  t.same(compare({ $any: 'integer' }, '5'), ['body: expected any integer, got "5" (string)'])
  t.same(compare({ $any: 'integer' }, '1411527886457', { place: 'header' }), [], 'a header of digits is an integer')
  t.same(compare({ $any: 'value' }, undefined), ['body: missing, expected any value'])
  t.same(compare({ $regex: '^[0-9a-f]{4}$' }, 'beef'), [])
  t.same(compare({ $regex: '^[0-9a-f]{4}$' }, 'BEEF'), ['body: expected a string matching /^[0-9a-f]{4}$/, got "BEEF" (string)'])
  t.same(compare({ $regex: '^[0-9a-f]{4}$', $flags: 'i' }, 'BEEF'), [])
  t.same(compare({ $regex: '^\\d+$' }, 12), ['body: expected a string matching /^\\d+$/, got 12 (integer)'])

  const vars = new Variables()
  vars.set('name', 'a.b')
  t.same(
    compare({ $regex: '^{{name}}$' }, 'aXb', { vars }),
    ['body: expected a string matching /^a\\.b$/, got "aXb" (string)'],
    'placeholders in a regex are escaped',
  )
  t.same(compare('x-{{name}}', 'x-a.b', { vars }), [], 'placeholders in strings are filled')

  const captured = new Variables()
  t.same(compare({ id: { $capture: 'id', $any: 'integer' }, token: { $capture: 'token' } }, { id: 7, token: 'abc' }, { vars: captured }), [])
  t.equal(captured.get('id'), 7)
  t.same(compare({ $same: 'id' }, 7, { vars: captured }), [])
  t.same(compare({ $same: 'id' }, '7', { vars: captured }), ['body: expected the same as {{id}} = 7 (integer), got "7" (string)'])
  t.same(compare({ $same: 'id' }, '7', { vars: captured, place: 'header' }), [], 'a header is the string form of the value')
  t.same(compare('{{id}}', '7', { vars: captured }), [], 'a placeholder in an expected string is the string form')
  const refused = new Variables()
  t.same(compare({ $capture: 'n', $any: 'integer' }, 'x', { vars: refused }).length, 1)
  t.notOk(refused.has('n'), 'nothing is captured from a value that does not match')
  t.throws(() => compare({ $same: 'never' }, 1), /variable "never" is not defined/)

  t.same(compare({ $contains: { code: 200 } }, { code: 200, data: {}, extra: 1 }), [])
  t.same(compare({ $contains: { code: 200 } }, { code: 500 }), ['body.code: expected 200 (integer), got 500 (integer)'])
  t.same(compare({ a: { $absent: true } }, {}), [])
  t.same(compare({ $absent: true }, 'x'), ['body: expected to be absent, got "x" (string)'])
  t.same(compare({ $literal: { $any: 'string' } }, { $any: 'string' }), [])
  t.same(compare({ $literal: '{{x}}' }, '{{x}}'), [])
})

t.test('fixture checks name the problem', async (t) => {
  const exchange = { name: 'x', request: { method: 'POST', path: '/a' }, response: { status: 200, body: {} } }
  const fixture = (patch: Record<string, unknown>) => ({ description: 'd', exchanges: [{ ...exchange, ...patch }] })
  t.same(checkFixture(fixture({})), fixture({}), 'a good fixture is answered as it is')
  t.throws(() => checkFixture({ description: 'd', exchanges: [] }), /exchanges: a non-empty array/)
  t.throws(() => checkFixture({ ...fixture({}), extra: 1 }), /unknown key "extra"/)
  t.throws(() => checkFixture(fixture({ request: { method: 'POST', path: '/a', form: {}, json: {} } })), /one body only, not form and json/)
  t.throws(() => checkFixture(fixture({ request: { method: 'post', path: '/a' } })), /upper-case HTTP method/)
  t.throws(() => checkFixture(fixture({ response: { status: 200 } })), /give "body" \(JSON\) or "bodyText"/)
  t.throws(() => checkFixture(fixture({ response: { status: 200, body: { $anything: 1 } } })), /unknown matcher \$anything/)
  t.throws(() => checkFixture(fixture({ response: { status: 200, body: { $any: 'string', a: 1 } } })), /mixes matcher keys/)
  t.throws(() => checkFixture(fixture({ response: { status: 200, body: { $any: 'text' } } })), /\$any is one of/)
  t.throws(() => checkFixture(fixture({ response: { status: 200, body: { $regex: '(' } } })), /bad \$regex/)
  t.throws(() => checkFixture(fixture({ response: { status: 200, body: {}, headers: { uid: 1 } } })), /header is expected as a string or a matcher/)
  t.throws(
    () => checkFixture(fixture({ request: { method: 'POST', path: '/a', multipart: [{ name: 'f', file: { filename: 'a' } }] } })),
    /either "base64" or "path"/,
  )
})

t.test('generators and variables', async (t) => {
  const vars = new Variables()
  const a = vars.interpolate('u_{{$random}}')
  const b = vars.interpolate('u_{{$random}}')
  t.match(a, /^u_[a-z][a-z0-9]{9}$/)
  t.not(a, b, 'each {{$random}} is new')
  t.match(vars.interpolate('138{{$digits:8}}'), /^138\d{8}$/)
  vars.set('password', 'secret1')
  t.equal(vars.interpolate('{{$md5:password}}'), 'e52d98c459819a11775936d8dfbb7929')
  t.throws(() => vars.interpolate('{{nope}}'), /variable "nope" is not defined/)
  t.throws(() => vars.interpolate('{{$uuid}}'), /unknown generator/)
})

t.test('pending/ folders are skipped unless asked for', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-find-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const path of ['user', 'pending/user']) {
    const full = join(dir, 'fx', path)
    await import('node:fs').then((fs) => fs.mkdirSync(full, { recursive: true }))
    writeFileSync(join(full, 'a.json'), '{}')
  }
  t.same(findFixtureFiles(['fx'], dir), ['fx/user/a.json'])
  t.same(findFixtureFiles(['fx/pending'], dir), ['fx/pending/user/a.json'])
  t.throws(() => findFixtureFiles(['missing'], dir), /no such file or directory/)
})

t.test('requests: form, typed JSON, query, multipart (inline, from a file, padded), SMS outbox; a failed setup skips the rest', async (t) => {
  // An echo server: answers what it received, so the fixture's expectations check the encoding.
  const server = createServer(
    asyncListener(async (request, response) => {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      const raw = Buffer.concat(chunks)
      response.writeHead(request.url === '/fail' ? 500 : 200, { 'content-type': 'application/json', 'x-echo': 'yes' })
      response.end(
        JSON.stringify({
          url: request.url,
          contentType: request.headers['content-type'] ?? '',
          token: request.headers.accesstoken ?? '',
          bigger: raw.length > 3 * 1024 * 1024,
          text: raw.length < 2000 ? raw.toString('latin1') : '',
        }),
      )
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const dir = mkdtempSync(join(tmpdir(), 'replay-req-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const outboxFile = join(dir, 'outbox.jsonl')
  writeFileSync(join(dir, 'photo.bin'), Buffer.from('PNGDATA'))
  const target: Target = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, outboxFile }
  const echo = (fields: Record<string, unknown>) => ({ status: 200, body: { $contains: fields } })

  const fixture: Fixture = {
    description: 'encoding',
    vars: { mobile: '138{{$digits:8}}', n: 41 },
    exchanges: [
      {
        name: 'form + header + query',
        request: { method: 'POST', path: '/f', query: { q: 'a b' }, headers: { accessToken: 'tk' }, form: { 'userVO.userName': 'x y', n: { $var: 'n' } } },
        response: echo({ url: '/f?q=a+b', token: 'tk', contentType: 'application/x-www-form-urlencoded', text: 'userVO.userName=x+y&n=41' }),
      },
      {
        name: 'typed JSON',
        request: { method: 'POST', path: '/j', json: { id: { $var: 'n' }, s: '{{n}}', list: [{ $var: 'n' }] } },
        response: echo({ contentType: 'application/json', text: '{"id":41,"s":"41","list":[41]}' }),
      },
      {
        name: 'multipart',
        request: {
          method: 'POST',
          path: '/m',
          multipart: [
            { name: 'name', value: 'g' },
            { name: 'cover', file: { filename: 'c.png', contentType: 'image/png', base64: Buffer.from('HELLO').toString('base64') } },
            { name: 'photo', file: { filename: 'p.bin', path: 'photo.bin' } },
          ],
        },
        response: echo({
          contentType: { $regex: '^multipart/form-data; boundary=' },
          text: { $regex: 'name="cover"; filename="c.png"\\r\\nContent-Type: image/png\\r\\n\\r\\nHELLO[\\s\\S]*filename="p.bin"[\\s\\S]*PNGDATA' },
        }),
      },
      {
        name: 'padded upload',
        request: {
          method: 'POST',
          path: '/big',
          multipart: [{ name: 'f', file: { filename: 'big.png', base64: 'iVBORw0KGgo=', padTo: 3 * 1024 * 1024 + 1 } }],
        },
        response: echo({ bigger: true }),
      },
      {
        name: 'SMS code from the outbox',
        request: { method: 'POST', path: '/o', form: { code: { $outbox: '{{mobile}}', purpose: 'register' } } },
        response: echo({ text: 'code=654321' }),
      },
      {
        name: 'a header and the raw body',
        request: { method: 'GET', path: '/h' },
        response: { status: 200, headers: { 'X-Echo': 'yes', 'x-missing': { $absent: true } }, bodyText: { $regex: '^\\{"url":"/h"' } },
      },
      { name: 'a setup step fails', setup: true, request: { method: 'GET', path: '/fail' }, response: { status: 200, body: { $any: 'value' } } },
      { name: 'never sent', request: { method: 'GET', path: '/after' }, response: { status: 200, body: { $any: 'value' } } },
    ],
  }
  // The server "sends" two codes to the mobile: the newest one for the purpose counts.
  const vars = new Variables()
  const mobile = vars.interpolate('138{{$digits:8}}')
  fixture.vars!.mobile = mobile
  appendFileSync(outboxFile, `${JSON.stringify({ mobile, code: '111111', purpose: 'reset', sent_at: 1 })}\n`)
  appendFileSync(outboxFile, `${JSON.stringify({ mobile, code: '654321', purpose: 'register', sent_at: 2 })}\n`)
  appendFileSync(outboxFile, `${JSON.stringify({ mobile, code: '222222', purpose: 'reset', sent_at: 3 })}\n`)

  const result = await replayFixture({ file: join(dir, 'fixture.json'), fixture }, target)
  const outcomes = result.exchanges.map(
    (exchange) =>
      `${exchange.name}: ${exchange.outcome}${exchange.error ? ` ${exchange.error}` : ''}${exchange.differences.map((d) => ` ${d.path}: ${d.message}`).join('')}`,
  )
  t.same(outcomes, [
    'form + header + query: pass',
    'typed JSON: pass',
    'multipart: pass',
    'padded upload: pass',
    'SMS code from the outbox: pass',
    'a header and the raw body: pass',
    'a setup step fails: fail status: expected 200 (integer), got 500 (integer)',
    'never sent: skip',
  ])
  t.equal(result.outcome, 'fail')

  const noOutbox = await replayFixture(
    { file: join(dir, 'f.json'), fixture: { description: 'd', vars: { mobile }, exchanges: [fixture.exchanges[4]!] } },
    { baseUrl: target.baseUrl },
  )
  t.match(noOutbox.exchanges[0]!.error, /needs the SMS outbox file/)
  const unknown = await replayFixture(
    {
      file: join(dir, 'f.json'),
      fixture: { description: 'd', exchanges: [{ name: 'x', request: { method: 'GET', path: '/{{who}}' }, response: { status: 200, body: {} } }] },
    },
    target,
  )
  t.match(unknown.exchanges[0]!.error, /variable "who" is not defined/)
  const refused = await replayFixture(
    {
      file: join(dir, 'f.json'),
      fixture: { description: 'd', exchanges: [{ name: 'x', request: { method: 'GET', path: '/' }, response: { status: 200, body: {} } }] },
    },
    { baseUrl: 'http://127.0.0.1:1' },
  )
  t.match(refused.exchanges[0]!.error, /request failed/)
})

t.test('exactHeaderNames: a header must come spelled as the fixture spells it (old apps look them up case-sensitively)', async (t) => {
  const server = createServer((request, response) => {
    // One server spells the session header as printed, the other as a lowercasing framework would.
    response.setHeader(request.url === '/printed' ? 'accessToken' : 'accesstoken', 'T')
    response.setHeader('content-type', 'application/json')
    response.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const target: Target = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
  const fixture = (path: string, exactHeaderNames: boolean): Fixture => ({
    description: 'header names',
    exchanges: [{ name: path, request: { method: 'GET', path }, response: { status: 200, exactHeaderNames, headers: { accessToken: 'T' }, body: {} } }],
  })
  t.equal((await replayFixture({ file: 'x', fixture: checkFixture(fixture('/printed', true)) }, target)).outcome, 'pass')
  const lowered = await replayFixture({ file: 'x', fixture: checkFixture(fixture('/lowered', true)) }, target)
  t.same(
    lowered.exchanges[0]!.differences.map((d) => `${d.path}: ${d.message}`),
    ['headers.accessToken: expected the name spelled "accessToken", got "accesstoken"'],
  )
  t.equal(
    (await replayFixture({ file: 'x', fixture: checkFixture(fixture('/lowered', false)) }, target)).outcome,
    'pass',
    'without it, names compare in any case',
  )
  t.throws(
    () =>
      checkFixture({
        ...fixture('/x', true),
        exchanges: [{ name: 'x', request: { method: 'GET', path: '/x' }, response: { status: 200, exactHeaderNames: 'yes', body: {} } }],
      }),
    /exactHeaderNames: true or false/,
  )
})
