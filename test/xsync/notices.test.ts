// xsync notices end to end: group and roster changes made over REST reach the recipients' sockets as NOTICE xid{0}, and a
// pull of uid 0 yields the decoded GroupNotice / RosterNotice; a device that was away gets them on its next login.
import { join } from 'node:path'
import protobuf from 'protobufjs'
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { setAuthMode } from '../helpers/roster.ts'
import { login, pull, unread, xsyncOpener, type XsyncClient } from '../helpers/xsync.ts'

// The notice payloads, decoded with the project's own .proto files (the shared helper decodes messages and user notices).
const root = new protobuf.Root()
root.resolvePath = (_origin, target) => join(import.meta.dirname, '..', '..', 'src', 'surfaces', 'xsync', 'proto', target.replace(/^.*[\\/]/, ''))
root.loadSync(['groupnotice.proto', 'rosternotice.proto', 'usernotice.proto'], { keepCase: true })
const decodeAs = (name: string, bytes: Uint8Array) => {
  const type = root.lookupType(`imgateway.xsync.${name}`)
  return type.toObject(type.decode(bytes), { longs: Number, enums: String, defaults: false })
}
const PAYLOAD_OF: Record<string, string> = { GROUP_NOTICE: 'GroupNotice', ROSTER_NOTICE: 'RosterNotice', USER_NOTICE: 'UserNotice' }

t.test('xsync notices', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '0' } })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const rest = restAs(app)
  const open = xsyncOpener(t, base)
  /** NOTICE xid{0} arrived, then the pull it triggers: the notices of uid 0 decoded, and the answer's next_key. */
  const pullNotices = async (c: XsyncClient) => {
    const notice = await c.next((f) => f.command === 'NOTICE')
    t.equal(notice.body.uid ?? 0, 0, 'NOTICE names the system conversation uid 0')
    return pullZero(c)
  }
  const pullZero = async (c: XsyncClient) => {
    const answer = await pull(c, 0)
    t.match(answer, { status: { code: 'OK' } }, 'the pull of uid 0 is answered OK')
    t.equal(answer.xid?.uid ?? 0, 0, 'with xid uid 0')
    return (answer.metas ?? []).map((m: any) => ({ meta: m, notice: decodeAs(PAYLOAD_OF[m.ns]!, m.payload) }))
  }

  const owner = await registerUser(app)
  const alice = await registerUser(app)
  const bob = await registerUser(app)

  await t.test('a user added to a group through REST: NOTICE xid{0} to it and to the members, the pull yields JOINED', async (t) => {
    const a = await open('io')
    const b = await open('ws')
    t.match(await login(a, alice.userId, alice.token), { status: { code: 'OK' } })
    t.match(await login(b, bob.userId, bob.token), { status: { code: 'OK' } })
    const groupId = await createGroup(app, owner, { name: 'Club' }, [alice])

    const created = await pullNotices(a)
    t.match(created, [
      { meta: { ns: 'GROUP_NOTICE', to: { uid: alice.userId } }, notice: { type: 'CREATED', gid: { uid: groupId }, from: { uid: owner.userId } } },
    ])
    t.ok(created[0].meta.id > 0 && created[0].meta.timestamp > 0, 'the meta carries the notice id and its time')

    t.match(await rest(owner, 'POST', '/group/invite', { group_id: groupId, user_list: [bob.userId] }), { code: 200 })
    const joinedForBob = await pullNotices(b)
    t.match(joinedForBob, [{ meta: { ns: 'GROUP_NOTICE' }, notice: { type: 'JOINED', gid: { uid: groupId }, from: { uid: bob.userId } } }])
    const joinedForAlice = await pullNotices(a)
    t.match(joinedForAlice, [{ notice: { type: 'JOINED', gid: { uid: groupId }, from: { uid: bob.userId } } }], 'the member already in hears it too')
    t.ok(joinedForAlice[0].meta.id > created[0].meta.id, 'notice ids grow')
    t.same(await pullZero(a), [], 'a second pull finds nothing new')

    await rest(owner, 'POST', '/group/kick', { group_id: groupId, user_list: [bob.userId] })
    t.match(await pullNotices(b), [{ notice: { type: 'KICKED', from: { uid: owner.userId }, to: [{ uid: bob.userId }] } }])
    a.close()
    b.close()
  })

  await t.test('a friend request through REST: NOTICE xid{0} to the target, the pull yields APPLIED with the request text', async (t) => {
    const carol = await registerUser(app)
    const dave = await registerUser(app)
    await setAuthMode(app, dave.userId, 1)
    const d = await open('io')
    t.match(await login(d, dave.userId, dave.token), { status: { code: 'OK' } })
    t.match(await rest(carol, 'POST', '/roster/apply', { user_id: dave.userId, reason: 'hi dave' }), { code: 200 })
    t.match(await pullNotices(d), [
      {
        meta: { ns: 'ROSTER_NOTICE', to: { uid: dave.userId } },
        notice: { type: 'APPLIED', from: { uid: carol.userId }, to: [{ uid: dave.userId }], content: 'hi dave' },
      },
    ])
    await rest(dave, 'POST', '/roster/accept', { user_id: carol.userId })
    t.match(
      await pullNotices(d),
      [{ notice: { type: 'ACCEPTED', from: { uid: dave.userId }, to: [{ uid: carol.userId }] } }],
      "the acting user's own devices hear it too",
    )
    d.close()
  })

  await t.test('a device away when a notice is written gets it on its next login: UNREAD lists uid 0, the pull yields it', async (t) => {
    const erin = await registerUser(app)
    const guid = `${erin.userId}_device`
    const first = await open('ws')
    t.match(await login(first, erin.userId, erin.token, guid), { status: { code: 'OK' } })
    t.same(await pullZero(first), [], 'nothing yet')
    first.close()
    await first.closed

    const groupId = await createGroup(app, owner, { name: 'Later' })
    await rest(owner, 'POST', '/group/invite', { group_id: groupId, user_list: [erin.userId] })

    const again = await open('io')
    t.match(await login(again, erin.userId, erin.token, guid), { status: { code: 'OK' } })
    const counts = await unread(again)
    t.match(counts.unread, [{ xid: {}, n: 1, type: 'UNKNOWN' }], 'UNREAD: one notice waits in uid 0 for this device')
    t.equal(counts.unread[0].xid.uid ?? 0, 0)
    t.match(await pullZero(again), [{ notice: { type: 'JOINED', gid: { uid: groupId }, from: { uid: erin.userId } } }])
    t.same((await unread(again)).unread ?? [], [], 'after the pull nothing waits')
    again.close()
  })

  await t.test("a profile change: USER_NOTICE INFO_UPDATED to the user's sockets", async (t) => {
    const c = await open('io')
    t.match(await login(c, alice.userId, alice.token), { status: { code: 'OK' } })
    await pullZero(c)
    await rest(alice, 'POST', '/user/profile', { nick_name: 'Alice' })
    t.match(await pullNotices(c), [{ meta: { ns: 'USER_NOTICE' }, notice: { type: 'INFO_UPDATED', content: '{"nick_name":"Alice"}' } }])
    c.close()
  })
})
