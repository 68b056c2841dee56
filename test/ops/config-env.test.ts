// The hand-made environment conversion and check give what TypeBox's Value.Convert/Default/Errors give, value and first error.
import t from 'tap'
import { Value } from 'typebox/value'
import { ConfigSchema } from '../../src/config.ts'
import { convertAndCheck } from '../../src/config-env.ts'

const samples = [
  '0',
  '1',
  '-1',
  '-0',
  '1.5',
  '-2.7',
  '60',
  '65535',
  '65536',
  '70000',
  ' 80',
  '80 ',
  '0x10',
  '0b11',
  '1e3',
  '1e400',
  'Infinity',
  '-Infinity',
  'NaN',
  '12n',
  '-12n',
  '3.0',
  '99999999999999999999',
  '9007199254740993',
  'true',
  'TRUE',
  'false',
  'False',
  'yes',
  'no',
  'eighty',
  'info',
  'INFO',
  'loud',
  'silent',
  'console',
  'webhook',
  's3',
  'local',
  's4',
  'postgres://db/im',
  'postgresql://x',
  'mysql://x',
  'redis://r:6379',
  'rediss://r',
  'localhost:6379',
  'http://a',
  'https://im.example.com/',
  'not a url',
  'img:',
  'bad prefix!',
  'UTC',
  'x'.repeat(32),
  'x'.repeat(257),
  'with spaces in it, which a bearer cannot carry',
  'abc',
  'my-bucket',
  'A',
  '1.2.3.4',
  'é',
  ' ',
]

function reference(raw: Record<string, string>): { value: unknown; error: { name: string; message: string } | undefined } {
  const value = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw))
  const first = Value.Errors(ConfigSchema, value)[0]
  return { value, error: first && { name: first.instancePath.replace(/^\//, ''), message: first.message } }
}

function mine(raw: Record<string, string>): { value: unknown; error: { name: string; message: string } | undefined } {
  const value: Record<string, unknown> = { ...raw }
  const error = convertAndCheck(ConfigSchema, value)
  return { value, error }
}

t.test('each variable, each sample: same value and same first error', async (t) => {
  let compared = 0
  for (const name of Object.keys(ConfigSchema.properties)) {
    for (const sample of samples) {
      const expected = reference({ [name]: sample })
      const actual = mine({ [name]: sample })
      if (JSON.stringify(actual) !== JSON.stringify(expected)) t.same(actual, expected, `${name}=${JSON.stringify(sample)}`)
      compared++
    }
  }
  t.pass(`${compared} cases compared`)
})

t.test('several bad variables: the same one is named first', async (t) => {
  const names = Object.keys(ConfigSchema.properties)
  for (let i = 0; i < names.length; i++) {
    for (const j of [i + 1, names.length - 1 - i]) {
      if (j <= i || j >= names.length) continue
      const raw = { [names[i]!]: 'eighty!', [names[j]!]: '70000' }
      t.same(mine(raw), reference(raw), JSON.stringify(raw))
    }
  }
  t.same(mine({}), reference({}), 'no variables: defaults only')
})
