// Unit tests of the pure push rules: who is notified (settings, hours, group modes, mute, blacklist), what the notification says, provider routing, backoff.
import t from 'tap'
import {
  HIDDEN_TITLE,
  backoffMs,
  composeMessageNotification,
  decide,
  hourIn,
  inHours,
  mentions,
  previewOf,
  pushModeAllows,
  badgeChange,
  routeOf,
  type PushFacts,
  type RecipientSettings,
} from '../../src/domain/push/notifications.ts'

const settings = (patch: Partial<RecipientSettings> = {}): RecipientSettings => ({
  noPush: false,
  noPushDetail: false,
  noPushStartHour: 0,
  noPushEndHour: 0,
  noSounds: false,
  silenceStartTime: 0,
  silenceEndTime: 0,
  ...patch,
})
const facts = (patch: Partial<PushFacts> = {}): PushFacts => ({ contentType: 0, recalled: false, settings: settings(), hour: 12, blocked: false, ...patch })

t.test('hours: [start, end), wrapping past midnight, equal = none', async (t) => {
  t.equal(inHours(0, 0, 3), false)
  t.equal(inHours(9, 9, 9), false)
  t.equal(inHours(1, 5, 1), true)
  t.equal(inHours(1, 5, 4), true)
  t.equal(inHours(1, 5, 5), false)
  t.equal(inHours(22, 7, 23), true)
  t.equal(inHours(22, 7, 0), true)
  t.equal(inHours(22, 7, 6), true)
  t.equal(inHours(22, 7, 7), false)
  t.equal(inHours(22, 7, 12), false)
})

t.test('hourIn reads the hour in the configured zone', async (t) => {
  const noonUtc = Date.UTC(2026, 0, 15, 12, 30)
  t.equal(hourIn(noonUtc, 'UTC'), 12)
  t.equal(hourIn(noonUtc, 'Asia/Shanghai'), 20)
  t.equal(hourIn(Date.UTC(2026, 0, 15, 16, 0), 'Asia/Shanghai'), 0)
})

t.test('msg_push_mode: 0 all, 1 none, 2 admins and @-mentions, 3 admins only, 4 @-mentions only', async (t) => {
  const table: Array<[number, boolean, boolean, boolean]> = [
    [0, false, false, true],
    [1, true, true, false],
    [2, false, false, false],
    [2, true, false, true],
    [2, false, true, true],
    [3, false, true, false],
    [3, true, false, true],
    [4, true, false, false],
    [4, false, true, true],
  ]
  for (const [mode, admin, mentioned, expected] of table)
    t.equal(pushModeAllows(mode, admin, mentioned), expected, `mode ${mode} admin ${admin} mentioned ${mentioned}`)
})

t.test('decide: each rule says no for its own reason', async (t) => {
  t.same(decide(facts()), { push: true, detail: true, sound: true })
  for (const type of [6, 9, 10, 11, 12]) t.same(decide(facts({ contentType: type })), { push: false, reason: 'silent-type' }, `type ${type}`)
  for (const type of [1, 2, 3, 4, 5, 7]) t.equal(decide(facts({ contentType: type })).push, true, `type ${type}`)
  t.same(decide(facts({ recalled: true })), { push: false, reason: 'recalled' })
  t.same(decide(facts({ blocked: true })), { push: false, reason: 'blacklisted' })
  t.same(decide(facts({ settings: settings({ noPush: true }) })), { push: false, reason: 'no-push' })
  t.same(decide(facts({ settings: settings({ noPushStartHour: 11, noPushEndHour: 13 }) })), { push: false, reason: 'no-disturb-hours' })
  t.same(decide(facts({ hour: 13, settings: settings({ noPushStartHour: 11, noPushEndHour: 13 }) })).push, true)
  const group = { muteMode: 0, pushMode: 0, senderIsAdmin: false, mentioned: false }
  t.same(decide(facts({ group })), { push: true, detail: true, sound: true })
  t.same(decide(facts({ group: { ...group, muteMode: 1 } })), { push: false, reason: 'muted' })
  t.same(decide(facts({ group: { ...group, pushMode: 1 } })), { push: false, reason: 'push-mode' })
  t.same(decide(facts({ group: { ...group, pushMode: 4, mentioned: true } })).push, true)
})

t.test('decide: hide details, no sounds and silence hours shape the push', async (t) => {
  t.same(decide(facts({ settings: settings({ noPushDetail: true }) })), { push: true, detail: false, sound: true })
  t.same(decide(facts({ settings: settings({ noSounds: true }) })), { push: true, detail: true, sound: false })
  t.same(decide(facts({ hour: 23, settings: settings({ silenceStartTime: 22, silenceEndTime: 6 }) })), { push: true, detail: true, sound: false })
  t.same(decide(facts({ hour: 8, settings: settings({ silenceStartTime: 22, silenceEndTime: 6 }) })), { push: true, detail: true, sound: true })
})

t.test('mentions from config: mentionAll, mentionList, snake case too, garbage is none', async (t) => {
  t.equal(mentions('', 5), false)
  t.equal(mentions('not json', 5), false)
  t.equal(mentions('{"mentionAll":true}', 5), true)
  t.equal(mentions('{"mentionList":[4,5]}', 5), true)
  t.equal(mentions('{"mention_list":["5"]}', 5), true)
  t.equal(mentions('{"mentionList":[4]}', 5), false)
  t.equal(mentions('[5]', 5), false)
})

t.test('the notification: sender and text, group prefix, hidden details, badge, thread and collapse ids', async (t) => {
  const m = { msgId: 42, kind: 1 as const, senderId: 7, targetId: 9, contentType: 0, content: 'hello' }
  t.same(composeMessageNotification(m, { detail: true, sound: true }, 3, 'Alice'), {
    id: 'm42',
    type: 'text',
    im: true,
    badge: 3,
    collapse_id: 'm42',
    thread_id: 'u7',
    data: { msg_id: 42, type: 1, from: 7, to: 9 },
    title: 'Alice',
    body: 'hello',
    sound: 'default',
  })
  const g = composeMessageNotification({ ...m, kind: 2, targetId: 100, contentType: 1 }, { detail: true, sound: false }, 0, 'Alice', 'Team')
  t.equal(g.title, 'Team')
  t.equal(g.body, 'Alice: [Image]')
  t.equal(g.thread_id, 'g100')
  t.equal(g.sound, undefined)
  const hidden = composeMessageNotification(m, { detail: false, sound: true }, 1, 'Alice')
  t.equal(hidden.title, HIDDEN_TITLE)
  t.equal(hidden.body, undefined)
  t.notOk(JSON.stringify(hidden).includes('hello'))
  t.notOk(JSON.stringify(hidden).includes('Alice'))
  t.equal(previewOf(0, 'x'.repeat(300)).length, 200)
})

t.test('routing: notifier name first, then platform; APNs dev/sandbox names', async (t) => {
  t.same(routeOf('APNs', 2), { provider: 'apns', environment: 0 })
  t.same(routeOf('apns-dev', 1), { provider: 'apns', environment: 1 })
  t.same(routeOf('ios_sandbox', 1), { provider: 'apns', environment: 1 })
  t.same(routeOf('HMS', 2), { provider: 'huawei', environment: 0 })
  t.same(routeOf('MiPush', 2), { provider: 'xiaomi', environment: 0 })
  t.same(routeOf('flyme', 2), { provider: 'meizu', environment: 0 })
  t.same(routeOf('vivo', 2), { provider: 'vivo', environment: 0 })
  t.same(routeOf('oppo', 2), { provider: 'oppo', environment: 0 })
  t.same(routeOf('fcm', 1), { provider: 'fcm', environment: 0 })
  t.same(routeOf('webpush', 6), { provider: 'webpush', environment: 0 })
  t.same(routeOf('', 1), { provider: 'apns', environment: 0 })
  t.same(routeOf('', 2), { provider: 'fcm', environment: 0 })
  t.same(routeOf('', 6), { provider: 'webpush', environment: 0 })
  t.equal(routeOf('', 3), undefined)
  t.equal(routeOf('something', 5), undefined)
})

t.test('backoff doubles to a cap and honours Retry-After', async (t) => {
  t.equal(backoffMs(1, 1000, 60_000), 1000)
  t.equal(backoffMs(2, 1000, 60_000), 2000)
  t.equal(backoffMs(4, 1000, 60_000), 8000)
  t.equal(backoffMs(20, 1000, 60_000), 60_000)
  t.equal(backoffMs(1, 1000, 60_000, 30), 30_000)
})

t.test('a task badge: digits set, +N adds, absent or empty adds 1, cmd and other values leave it', async (t) => {
  t.same(badgeChange({ badge: '5' }), { set: 5 })
  t.same(badgeChange({ badge: '0' }), { set: 0 })
  t.same(badgeChange({ badge: '+3' }), { add: 3 })
  t.same(badgeChange({}), { add: 1 })
  t.same(badgeChange({ badge: '' }), { add: 1 })
  t.same(badgeChange({ badge: 7 }), { set: 7 }, 'a number, as older clients send it')
  t.equal(badgeChange({ type: 'cmd', badge: '+1' }), undefined)
  t.equal(badgeChange({ badge: '-1' }), undefined)
  t.equal(badgeChange({ badge: 'many' }), undefined)
  t.same(badgeChange({ badge: '+123456' }), { add: 123456 }, 'as long as the schema allows (the badge itself stops at 99999)')
})
