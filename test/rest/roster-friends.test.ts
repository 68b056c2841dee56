// Friendship through REST: mutual deletion, roster ext, details and searches (public fields only), blacklist and may_message.
import t from 'tap'
import { ADMIN_TOKEN, PUBLIC_URL, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { restClient, setProfile } from '../helpers/roster.ts'
import { send } from '../helpers/messages.ts'

t.test('friends', async (t) => {
  const app = await buildTestApp(t)
  const register = async (name: string) => {
    const user = await registerUser(app, name)
    return { ...user, call: restClient(app, user.token) }
  }
  type Client = Awaited<ReturnType<typeof register>>
  const befriend = async (a: Client, b: Client) => {
    const answer = await a.call('POST', '/roster/apply', { body: { user_id: b.userId } })
    if (answer.code !== 200) throw new Error(`apply failed: ${JSON.stringify(answer)}`)
  }
  const friendIds = async (user: Client) => (await user.call('GET', '/roster/list')).data
  const entry = async (viewer: Client, other: Client) => (await viewer.call('GET', '/roster/id', { query: { user_id: other.userId } })).data
  const mayMessage = async (asker: Client, from: Client, to: Client) =>
    (await asker.call('GET', '/roster/may_message', { query: { user_id: from.userId, roster_id: to.userId } })).data

  const alice = await register('alice')
  const bob = await register('bob')

  await t.test('deleting ends the friendship for both: relation 1 for the deleter, 2 for the other', async (t) => {
    await befriend(alice, bob)
    t.equal((await entry(alice, bob)).relation, 0)
    t.equal((await entry(bob, alice)).relation, 0)
    const version = (await bob.call('GET', '/roster/list')).version
    t.same(await alice.call('POST', '/roster/delete', { query: { user_id: bob.userId } }), { code: 200, message: null, data: true })
    t.same(await friendIds(alice), [])
    t.same(await friendIds(bob), [])
    t.not((await bob.call('GET', '/roster/list')).version, version, "the other side's version moved too")
    t.equal((await entry(alice, bob)).relation, 1, "the deleter's record says deleted friend")
    t.equal((await entry(bob, alice)).relation, 2, 'the other side sees a stranger')
    t.match(await alice.call('DELETE', '/roster/delete', { query: { user_id: bob.userId } }), { code: 10020, data: null }, 'not a friend any more')
    t.match(await bob.call('POST', '/roster/delete', { query: { user_id: alice.userId } }), { code: 10020 })
    await befriend(bob, alice)
    t.equal((await entry(alice, bob)).relation, 0, 'friends again')
    t.same(await friendIds(alice), [bob.userId], 'in both friend lists')
    t.same(await friendIds(bob), [alice.userId])
  })

  await t.test('DELETE /roster/delete with the id in the query string', async (t) => {
    const carl = await register('carl')
    await befriend(carl, alice)
    t.same(await carl.call('DELETE', '/roster/delete', { query: { user_id: alice.userId } }), { code: 200, message: null, data: true })
    t.notOk((await friendIds(alice)).includes(carl.userId))
  })

  await t.test("ext: alias, ext and mute_notification are the viewer's own, per friend", async (t) => {
    const version = (await alice.call('GET', '/roster/list')).version
    t.same(await alice.call('POST', '/roster/ext', { body: { user_id: bob.userId, alias: 'Bobby', ext: '{"tag":"work"}', mute_notification: true } }), {
      code: 200,
      message: null,
      data: true,
    })
    t.match(await entry(alice, bob), { alias: 'Bobby', ext: '{"tag":"work"}', mute_notification: true })
    t.match(await entry(bob, alice), { alias: '', ext: '', mute_notification: false }, "the friend's own record is untouched")
    t.not((await alice.call('GET', '/roster/list')).version, version)
    t.equal((await alice.call('PUT', '/roster/ext', { body: { user_id: bob.userId, mute_notification: false } })).code, 200)
    t.match(await entry(alice, bob), { alias: 'Bobby', ext: '{"tag":"work"}', mute_notification: false }, 'only the fields given change')
    const stranger = await register('stranger')
    t.match(await alice.call('POST', '/roster/ext', { body: { user_id: stranger.userId, alias: 'x' } }), { code: 10020 })
    t.match(await alice.call('POST', '/roster/ext', { body: { user_id: 99999, alias: 'x' } }), { code: 10000 })
  })

  await t.test("details and searches show public fields only, with the viewer's relation", async (t) => {
    const dora = await register('dora')
    await setProfile(app, dora.userId, { mobile: '13800000001', public_info: 'hi all', private_info: 'secret diary', nick_name: 'Dora D' })
    const expected = {
      user_id: dora.userId,
      username: 'dora',
      nick_name: 'Dora D',
      avatar: '',
      description: '',
      public_info: 'hi all',
      auth_mode: 0,
      auth_question: '',
      alias: '',
      ext: '',
      mute_notification: false,
      relation: 2,
    }
    t.same(await alice.call('GET', '/roster/id', { query: { user_id: dora.userId } }), { code: 200, message: null, data: expected })
    t.same((await alice.call('GET', '/roster/mobile', { query: { mobile: '13800000001' } })).data, expected, 'by mobile; the mobile itself is not shown')
    t.same((await alice.call('GET', '/roster/name', { query: { username: 'DORA' } })).data, expected, 'by username, any case')
    await befriend(alice, dora)
    const asFriend = (await alice.call('GET', '/roster/id', { query: { user_id: dora.userId } })).data
    t.same(asFriend, { ...expected, relation: 0 }, 'a friend sees the same public fields')
    for (const hidden of ['private_info', 'mobile', 'email', 'auth_answer']) t.notOk(hidden in asFriend, `${hidden} is never shown`)

    await app.testDatabase.database.db.updateTable('users').set({ avatar: 'avatars/abc.png' }).where('id', '=', dora.userId).execute()
    const details = await alice.call('POST', '/roster/list', { body: { list: [dora.userId, 99999, bob.userId, dora.userId] } })
    t.equal(details.code, 200)
    t.same(
      details.data.map((e: { user_id: number }) => e.user_id),
      [dora.userId, bob.userId],
      'in the order asked, unknown ids left out, no repeats',
    )
    t.equal(details.data[0].avatar, `${PUBLIC_URL}/avatars/abc.png`, 'avatars are absolute URLs')
    t.match(details.data[1], { alias: 'Bobby', relation: 0 })
    t.same((await alice.call('POST', '/roster/list', { body: { list: [] } })).data, [])

    t.match(await alice.call('GET', '/roster/id', { query: { user_id: 99999 } }), { code: 10000, data: null })
    t.match(await alice.call('GET', '/roster/mobile', { query: { mobile: '13999999999' } }), { code: 10000 })
    t.match(await alice.call('GET', '/roster/name', { query: { username: 'nobody_here' } }), { code: 10000 })
  })

  await t.test('block: the blocked user cannot apply nor message the blocker; the other direction stays open', async (t) => {
    const eve = await register('eve')
    const mallory = await register('mallory')
    t.equal(await mayMessage(eve, mallory, eve), true)
    t.same(await eve.call('POST', '/roster/block', { query: { user_id: mallory.userId } }), { code: 200, message: null, data: true })
    t.same((await eve.call('GET', '/roster/blocked_list')).data, [mallory.userId])
    t.equal((await entry(eve, mallory)).relation, 3, "blacklisted, from the blocker's side")
    t.equal((await entry(mallory, eve)).relation, 2)
    t.match(await mallory.call('POST', '/roster/apply', { body: { user_id: eve.userId } }), { code: 10006, data: null })
    t.match(
      await eve.call('POST', '/roster/apply', { body: { user_id: mallory.userId } }),
      { code: 10006, message: /unblock/ },
      'nor may the blocker apply before unblocking',
    )
    t.equal(await mayMessage(mallory, mallory, eve), false, 'mallory may not message eve')
    t.equal(await mayMessage(mallory, eve, mallory), true, 'eve may still message mallory')
    t.equal(await mayMessage(eve, mallory, eve), false, 'asked by either side')
    t.equal((await mallory.call('GET', '/roster/may_message', { query: { roster_id: eve.userId } })).data, false, 'user_id defaults to the caller')
    t.match(await send(app, mallory.token, { targets: [eve.userId], content: 'hi eve' }), { code: 10006 }, 'and a send says so')
    t.match(await send(app, eve.token, { targets: [mallory.userId], content: 'hi mallory' }), { code: 200 }, "the blocker's send goes through")

    t.equal((await eve.call('PUT', '/roster/block', { query: { user_id: mallory.userId } })).code, 200, 'blocking twice is harmless')
    t.same((await eve.call('GET', '/roster/blocked_list')).data, [mallory.userId])

    t.same(await eve.call('POST', '/roster/unblock', { query: { user_id: mallory.userId } }), { code: 200, message: null, data: true })
    t.same((await eve.call('GET', '/roster/blocked_list')).data, [])
    t.equal(await mayMessage(mallory, mallory, eve), true, 'open again after unblocking')
    t.equal((await entry(eve, mallory)).relation, 2)
    t.equal((await eve.call('DELETE', '/roster/unblock', { query: { user_id: mallory.userId } })).code, 200, 'unblocking twice is harmless')
    t.equal((await mallory.call('POST', '/roster/apply', { body: { user_id: eve.userId } })).code, 200, 'and may apply again')
  })

  await t.test('blocking a friend keeps the friendship but stops its messages', async (t) => {
    const fred = await register('fred')
    const gus = await register('gus')
    await befriend(fred, gus)
    const version = (await fred.call('GET', '/roster/list')).version
    t.equal((await fred.call('POST', '/roster/block', { query: { user_id: gus.userId } })).code, 200)
    t.same(await friendIds(fred), [gus.userId], 'still in the friend list')
    t.same(await friendIds(gus), [fred.userId])
    t.not((await fred.call('GET', '/roster/list')).version, version)
    t.equal((await entry(fred, gus)).relation, 3)
    t.equal((await entry(gus, fred)).relation, 0)
    t.equal(await mayMessage(gus, gus, fred), false)
    t.match(await send(app, gus.token, { targets: [fred.userId], content: 'blocked friend' }), { code: 10006 }, "a blocked friend's send is refused")
    t.match(await send(app, fred.token, { targets: [gus.userId], content: 'still mine' }), { code: 200 })
    t.equal(await mayMessage(fred, fred, gus), true)
    t.match(await gus.call('POST', '/roster/apply', { body: { user_id: fred.userId } }), { code: 10006 })
    t.equal((await fred.call('DELETE', '/roster/unblock', { query: { user_id: gus.userId } })).code, 200)
    t.equal((await entry(fred, gus)).relation, 0, 'a friend again in every respect')
    t.equal(await mayMessage(gus, gus, fred), true)
  })

  await t.test('may_message: a user asks only about itself; the admin about any pair', async (t) => {
    const hal = await register('hal')
    t.match(await hal.call('GET', '/roster/may_message', { query: { user_id: alice.userId, roster_id: bob.userId } }), { code: 10010, data: null })
    const admin = restClient(app, ADMIN_TOKEN)
    t.same(await admin('GET', '/roster/may_message', { query: { user_id: alice.userId, roster_id: bob.userId } }), { code: 200, message: null, data: true })
    t.match(await admin('GET', '/roster/may_message', { query: { roster_id: bob.userId } }), { code: 10002, message: /user_id/ })
    t.match(await hal.call('GET', '/roster/may_message', { query: { roster_id: 99999 } }), { code: 10000 })
    t.match(await send(app, hal.token, { targets: [99999], content: 'anyone?' }), { code: 10000 }, 'unknown users may not be messaged')
  })
})
