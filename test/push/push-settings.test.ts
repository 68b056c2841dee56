// Each setting that exists suppresses or shapes a push: no_push, hide details, no-disturb hours, no sounds, push nick name, group push and mute modes, @-mentions, blacklist.
import t from 'tap'
import { registerUser, type TestUser } from '../helpers/users.ts'
import { send, sendText } from '../helpers/messages.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { apnsToken, deviceWithToken, eventually, outboxSize, pushRig, type PushRig } from '../helpers/push.ts'

t.test('push settings', async (t) => {
  const rig = await pushRig(t)
  const { app, apns } = rig
  const call = restAs(app)
  const alice = await registerUser(app)
  const tokens = new Map<number, string>()
  const withPhone = async () => {
    const user = await registerUser(app)
    const token = apnsToken()
    tokens.set(user.userId, token)
    await deviceWithToken(app, user, token, 'apns')
    return user
  }
  /** Sends, waits until the worker has taken everything, and answers the APNs requests this send caused, by recipient. */
  const pushesOf = async (sending: () => Promise<unknown>) => {
    const before = apns.requests.length
    await sending()
    await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'an empty outbox')
    return apns.requests.slice(before)
  }
  const toUser = (user: TestUser, text: string) => pushesOf(() => sendText(app, alice.token, user.userId, text))
  const settings = async (user: TestUser, body: object) => t.equal((await call(user, 'PUT', '/user/settings', body)).code, 200)

  await t.test('no_push: nothing', async (t) => {
    const bob = await withPhone()
    await settings(bob, { no_push: true })
    t.equal((await toUser(bob, 'quiet')).length, 0)
  })

  await t.test('no_push_detail: a notification without sender or text', async (t) => {
    const bob = await withPhone()
    await settings(bob, { no_push_detail: true })
    const [push] = await toUser(bob, 'secret words')
    t.same((push!.payload.aps as Record<string, unknown>).alert, { title: 'New message' })
    t.notOk(JSON.stringify(push!.payload).includes('secret words'))
    t.notOk(JSON.stringify(push!.payload).includes(alice.username))
  })

  await t.test('no-disturb hours around now (UTC, PUSH_TIME_ZONE): nothing; outside them: a push', async (t) => {
    const bob = await withPhone()
    const hour = new Date().getUTCHours()
    await settings(bob, { no_push_start_hour: hour, no_push_end_hour: (hour + 2) % 24 })
    t.equal((await toUser(bob, 'at night')).length, 0)
    await settings(bob, { no_push_start_hour: (hour + 2) % 24, no_push_end_hour: (hour + 3) % 24 })
    t.equal((await toUser(bob, 'by day')).length, 1)
  })

  await t.test('no_sounds and silence hours: pushed without a sound', async (t) => {
    const bob = await withPhone()
    await settings(bob, { no_sounds: true })
    const [quiet] = await toUser(bob, 'shh')
    t.equal((quiet!.payload.aps as Record<string, unknown>).sound, undefined)
    const carol = await withPhone()
    const hour = new Date().getUTCHours()
    await settings(carol, { silence_start_time: hour, silence_end_time: (hour + 2) % 24 })
    const [silent] = await toUser(carol, 'shh')
    t.equal((silent!.payload.aps as Record<string, unknown>).sound, undefined)
    t.match(silent!.payload.aps, { alert: { body: 'shh' } })
  })

  await t.test("the sender's push_nick_name titles the notification", async (t) => {
    const dave = await registerUser(app)
    await settings(dave, { push_nick_name: 'Dave D.' })
    const bob = await withPhone()
    const [push] = await pushesOf(() => sendText(app, dave.token, bob.userId, 'hi'))
    t.match(push!.payload.aps, { alert: { title: 'Dave D.', body: 'hi' } })
  })

  await t.test('groups: push modes, mute, @-mentions, blacklist, one row for the whole group', async (t) => {
    const members = [await withPhone(), await withPhone(), await withPhone(), await withPhone(), await withPhone()]
    const [all, none, mentionsOnly, muted, blocker] = members as [TestUser, TestUser, TestUser, TestUser, TestUser]
    const groupId = await createGroup(app, alice, { name: 'Team' }, members)
    t.equal((await call(none, 'PUT', '/group/msg/push_mode', { group_id: groupId, msg_push_mode: 1 })).code, 200)
    t.equal((await call(mentionsOnly, 'PUT', '/group/msg/push_mode', { group_id: groupId, msg_push_mode: 4 })).code, 200)
    t.equal((await call(muted, 'PUT', '/group/msg/mute_mode', { group_id: groupId, msg_mute_mode: 1 })).code, 200)
    t.equal((await call(blocker, 'POST', `/roster/block?user_id=${alice.userId}`)).code, 200)
    const tokenOf = (u: TestUser) => tokens.get(u.userId)
    const reached = (pushes: Awaited<ReturnType<typeof pushesOf>>) => pushes.map((p) => p.path.split('/').pop()).sort()

    const plain = await pushesOf(() => sendText(app, alice.token, groupId, 'hello team', 2))
    t.same(reached(plain), [tokenOf(all)].sort(), 'mode 0 only; none, @-only, muted and the blocker are skipped')
    t.match(plain[0]!.payload.aps, { alert: { title: 'Team', body: `${alice.username}: hello team` }, 'thread-id': `g${groupId}` })

    const mention = await pushesOf(() =>
      send(app, alice.token, { type: 2, targets: [groupId], content: '@you', config: JSON.stringify({ mentionList: [mentionsOnly.userId] }) }),
    )
    t.same(reached(mention), [tokenOf(all), tokenOf(mentionsOnly)].sort(), 'the mentioned member with mode 4 hears of it')
  })
})

t.test('a group send records one outbox row, however many members', async (t) => {
  const rig: PushRig = await pushRig(t, { env: { PUSH_WORKER_INTERVAL_MS: '0' } })
  const alice = await registerUser(rig.app)
  const members = [await registerUser(rig.app), await registerUser(rig.app), await registerUser(rig.app)]
  const groupId = await createGroup(rig.app, alice, {}, members)
  await sendText(rig.app, alice.token, groupId, 'one row', 2)
  t.equal(await outboxSize(rig.db), 1)
})

t.test("no-disturb hours are read in PUSH_TIME_ZONE, not the server's UTC", async (t) => {
  const rig = await pushRig(t, { env: { PUSH_TIME_ZONE: 'Asia/Tokyo' } })
  const { app, apns } = rig
  const call = restAs(app)
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  await deviceWithToken(app, bob, apnsToken(), 'apns')
  const utc = new Date().getUTCHours()
  const tokyo = (utc + 9) % 24
  const quiet = async (start: number) => {
    t.equal((await call(bob, 'PUT', '/user/settings', { no_push_start_hour: start, no_push_end_hour: (start + 1) % 24 })).code, 200)
    const before = apns.requests.length
    await sendText(app, alice.token, bob.userId, `quiet from ${start}`)
    await eventually(async () => (await outboxSize(rig.db)) === 0, 10_000, 'an empty outbox')
    return apns.requests.length - before
  }
  t.equal(await quiet(tokyo), 0, "the hour now in Tokyo is bob's night")
  t.equal(await quiet(utc), 1, 'the hour now in UTC is not')
})
