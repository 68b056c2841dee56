// Configuration: defaults, conversions, and a bad variable named in the error.
import t from 'tap'
import { resolve } from 'node:path'
import { ConfigError, loadConfig } from '../../src/config.ts'

t.test('defaults', async (t) => {
  const config = loadConfig({})
  t.match(config, {
    PORT: 8080,
    HOST: '127.0.0.1',
    DATA_DIR: resolve('./data'),
    LOG_LEVEL: 'info',
    DEFAULT_APP_ID: 'default',
    TOKEN_TTL_SECONDS: 30 * 24 * 3600,
    PUBLIC_URL: 'http://127.0.0.1:8080',
    REDIS_PREFIX: 'img:',
    LOGIN_THROTTLE_FREE_FAILURES: 5,
    LOGIN_THROTTLE_BASE_DELAY_SECONDS: 1,
    LOGIN_THROTTLE_MAX_DELAY_SECONDS: 900,
  })
  t.equal(config.DATABASE_URL, undefined)
  t.equal(config.REDIS_URL, undefined)
  t.ok(Object.isFrozen(config))
})

t.test('values are converted and PUBLIC_URL loses its trailing slash', async (t) => {
  const config = loadConfig({ PORT: '9000', TOKEN_TTL_SECONDS: '3600', PUBLIC_URL: 'https://im.example.com/', DATABASE_URL: 'postgres://db/im' })
  t.match(config, { PORT: 9000, TOKEN_TTL_SECONDS: 3600, PUBLIC_URL: 'https://im.example.com', DATABASE_URL: 'postgres://db/im' })
  t.equal(loadConfig({ PORT: '' }).PORT, 8080, 'an empty variable counts as unset')
})

t.test('a bad value names the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^invalid environment variable PORT="eighty"/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN/],
    [{ METRICS_TOKEN: 'with spaces in it, which a bearer cannot carry' }, /METRICS_TOKEN/],
    [{ TOKEN_TTL_SECONDS: '5' }, /TOKEN_TTL_SECONDS/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL/],
    [{ LOGIN_THROTTLE_FREE_FAILURES: '0' }, /LOGIN_THROTTLE_FREE_FAILURES/],
    [{ LOGIN_THROTTLE_BASE_DELAY_SECONDS: 'soon' }, /LOGIN_THROTTLE_BASE_DELAY_SECONDS/],
    [{ LOGIN_THROTTLE_MAX_DELAY_SECONDS: '100000' }, /LOGIN_THROTTLE_MAX_DELAY_SECONDS/],
    [
      { LOGIN_THROTTLE_BASE_DELAY_SECONDS: '60', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '30' },
      /LOGIN_THROTTLE_MAX_DELAY_SECONDS="30": must be at least LOGIN_THROTTLE_BASE_DELAY_SECONDS/,
    ],
  ]
  for (const [env, message] of cases) t.throws(() => loadConfig(env), { constructor: ConfigError, message }, JSON.stringify(env))
})
