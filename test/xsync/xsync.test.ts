// xsync end to end: the project's own client (its .proto + protobufjs) over socket.io 2 and a plain WebSocket, against the real database.
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { befriend, registerUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'
import { history, sendText as restSendText } from '../helpers/messages.ts'
import { CMD, dec, enc, login, pull, sendOperation, sendText, unread, xsyncOpener } from '../helpers/xsync.ts'

t.test('xsync over socket.io and WebSocket', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '0' } })
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const rest = restAs(app)
  const alice = await registerUser(app)
  const bob = await registerUser(app)
  const carol = await registerUser(app)
  await befriend(app, alice, bob)
  const open = xsyncOpener(t, base)

  t.test('frames before login, refusals, bad token', async (t) => {
    const c = await open('io')
    c.sendFrame(CMD.UNREAD)
    const early = await c.next((f) => f.command === 'UNREAD')
    t.match(early.body.status, { code: 'UNAUTHORIZED', reason: 'you must login first' }, 'a frame before PROVISION: UNAUTHORIZED, you must login first')
    c.sendFrame(CMD.SYNC, 'SyncUL', { xid: { uid: 1 } })
    t.match((await c.next((f) => f.command === 'SYNC')).body, { status: { code: 'UNAUTHORIZED' }, xid: {} }, 'a pull before login too, with an xid')
    c.sendRaw(new Uint8Array([0xff, 0xff, 0xff]))
    t.match((await c.next((f) => f.command === 'SYNC')).body.status, { code: 'PB_PARSER_ERROR' }, 'undecodable bytes: PB_PARSER_ERROR')
    c.sendFrame(7)
    t.match((await c.next((f) => f.command === 'SYNC')).body.status, { code: 'UNKNOWN_COMMAND' }, 'an unknown command: UNKNOWN_COMMAND')
    c.sendFrame(CMD.PROVISION, 'Provision', { token: alice.token }, { compress_method: 1 })
    t.match((await c.next((f) => f.command === 'PROVISION')).body.status, { code: 'ENCRYPT_METHOD_UNSUPPORTED' }, 'a compressed frame: refused')
    c.sendFrame(CMD.PROVISION, 'Provision', { token: alice.token }, { encrypt_method: 1 })
    t.match((await c.next((f) => f.command === 'PROVISION')).body.status, { code: 'ENCRYPT_METHOD_UNSUPPORTED' }, 'an encrypted frame: refused')
    t.match((await login(c, alice.userId, 'x'.repeat(40))).status, { code: 'INVALID_TOKEN' }, 'a bad token: INVALID_TOKEN')
    t.match((await login(c, bob.userId, alice.token)).status, { code: 'INVALID_TOKEN' }, "another user's token: INVALID_TOKEN")
    const ok = await login(c, alice.userId, alice.token)
    t.match(ok, { status: { code: 'OK' }, xid: { uid: alice.userId } }, 'the good token: OK with the user')
    t.ok(ok.xid.deviceSN > 0 && ok.xid.deviceSN < 1000, 'the answer carries the device_sn of a real device')
    const devices = await rest(alice, 'GET', '/user/device/list')
    t.ok(
      devices.data.some((d: any) => d.device_sn === ok.xid.deviceSN),
      'the device is one REST lists',
    )
    c.close()
  })

  t.test('1:1: send, NOTICE, pull, unread, read ack back to the sender, history, recall, REST both ways', async (t) => {
    const a = await open('io')
    const b = await open('ws')
    const aLogin = await login(a, alice.userId, alice.token)
    const bLogin = await login(b, bob.userId, bob.token)
    const from = { uid: alice.userId, deviceSN: aLogin.xid.deviceSN }
    const ack = await sendText(a, from, bob.userId, '你好 bob')
    t.match(ack, { status: { code: 'OK' }, xid: { uid: bob.userId } }, 'the send is acknowledged')
    t.ok(ack.server_mid > 0 && ack.server_time > 0, 'with the server id and time')
    const again = await sendText(a, from, bob.userId, '你好 bob', false, ack.client_mid)
    t.equal(again.server_mid, ack.server_mid, 'the same client_mid from the same device: the first send answers (no second row)')
    // A token belongs to one device once a socket logged in with it: the second device logs in over REST first.
    const secondToken = (await app.inject({ method: 'POST', url: '/token/user', payload: { name: alice.username, password: alice.password } })).json().data
      .token
    const a2 = await open('ws')
    const a2Login = await login(a2, alice.userId, secondToken, `${alice.userId}_second`)
    t.not(a2Login.xid.deviceSN, from.deviceSN, 'a second device of alice')
    const other = await sendText(a2, { uid: alice.userId, deviceSN: a2Login.xid.deviceSN }, bob.userId, 'same ms, other device', false, ack.client_mid)
    t.ok(other.server_mid > ack.server_mid, 'the same client_mid from another device is another message (dedupe is per device)')
    t.equal((await a.next((f) => f.command === 'NOTICE')).body.uid, bob.userId, "alice's first device hears of her other device's send")
    t.match((await pull(a, bob.userId)).metas, [{ id: other.server_mid, from: { deviceSN: a2Login.xid.deviceSN } }], 'and pulls it (its own send skipped)')
    a2.close()

    const notice = await b.next((f) => f.command === 'NOTICE')
    t.equal(notice.body.uid, alice.userId, "bob's socket is told of the conversation with alice")
    // Conversations only: uid 0 (the notices, here bob's ADDED from befriending alice) is test/xsync/notices.test.ts's.
    const conversations = async () => ((await unread(b)).unread ?? []).filter((u: any) => (u.xid?.uid ?? 0) !== 0)
    t.match(await conversations(), [{ xid: { uid: alice.userId }, n: 2, type: 'CHAT' }], 'UNREAD: two waiting in that conversation for this device')
    const got = await pull(b, alice.userId)
    t.equal(got.metas.length, 2)
    t.match(got.metas[0], { id: ack.server_mid, from: { uid: alice.userId, deviceSN: from.deviceSN }, to: { uid: bob.userId }, ns: 'MESSAGE' })
    t.match(got.bodies[0], { type: 'CHAT', content: '你好 bob' })
    t.equal(got.next_key ?? 0, 0, 'that was all')
    const delivered = await a.next((f) => f.command === 'SYNC' && f.body.is_eager_sync)
    t.match(
      dec('MessageBody', delivered.body.metas[0].payload),
      { type: 'OPER', operation: { type: 'DELIVER_ACK', mid: other.server_mid } },
      "bob's pull reaches alice as a delivery ack",
    )
    t.match(delivered.body.xid, { uid: bob.userId })
    t.equal((await conversations())[0].n ?? 0, 0, 'after the pull nothing waits for this device')
    t.equal((await pull(b, alice.userId)).metas?.length ?? 0, 0, 'a second pull finds nothing new')

    const rows = await history(app, bob.token, { opposite_id: alice.userId, type: 1 })
    t.same(
      rows.data.messages.map((m: any) => m.msg_id),
      [other.server_mid, ack.server_mid],
      'REST history of the conversation holds the same rows',
    )

    const bFrom = { uid: bob.userId, deviceSN: bLogin.xid.deviceSN }
    const readAck = await sendOperation(b, bFrom, alice.userId, { type: 1, mid: other.server_mid })
    t.match(readAck.status, { code: 'OK' }, 'the read ack is acknowledged')
    const read = await a.next((f) => f.command === 'SYNC' && f.body.is_eager_sync && (f.body.metas ?? []).length > 0)
    t.match(read.body.xid, { uid: bob.userId })
    t.match(
      dec('MessageBody', read.body.metas[0].payload),
      { type: 'OPER', operation: { type: 'READ_ACK', mid: other.server_mid } },
      'alice is told bob read it',
    )
    const mine = await pull(a, bob.userId, 0, 10)
    t.match(mine.bodies[0], { status: 'READ' }, "alice's history shows her message READ")

    const restMid = await restSendText(app, bob.token, alice.userId, 'over REST')
    t.equal((await a.next((f) => f.command === 'NOTICE')).body.uid, bob.userId, 'a REST send reaches the xsync socket as NOTICE')
    const fromRest = await pull(a, bob.userId)
    t.match(fromRest.metas.at(-1), { id: restMid }, 'and its pull carries the REST row')

    const recallAck = await sendOperation(a, from, bob.userId, { type: 5, mid: ack.server_mid, xid: { uid: bob.userId } })
    t.match(recallAck, { status: { code: 'OK' } }, 'recall acknowledged')
    t.ok(recallAck.server_mid > 0)
    await b.next((f) => f.command === 'NOTICE')
    const recalled = await pull(b, alice.userId)
    t.match(recalled.bodies.at(-1), { type: 'OPER', operation: { type: 'RECALL', mid: ack.server_mid } }, 'bob pulls the RECALL operation')
    const page = await pull(b, alice.userId, 0, 20)
    t.notOk(
      page.metas.some((m: any) => m.id === ack.server_mid),
      'history leaves the recalled original out',
    )
    t.equal(page.is_full_sync, true)

    const typingMid = Date.now()
    b.sendFrame(CMD.SYNC, 'SyncUL', {
      meta: {
        id: typingMid,
        from: bFrom,
        to: { uid: alice.userId },
        ns: 1,
        payload: enc('MessageBody', { type: 2, ext: '{"input_status":"typing"}', qos: 1 }),
      },
    })
    const typing = await a.next((f) => f.command === 'SYNC' && f.body.is_eager_sync && f.body.metas?.[0]?.id === typingMid)
    t.match(dec('MessageBody', typing.body.metas[0].payload), { ext: '{"input_status":"typing"}' }, 'typing reaches the peer')
    t.match(typing.body.xid, { uid: bob.userId })
    const after = await history(app, bob.token, { opposite_id: alice.userId, type: 1 })
    t.notOk(
      after.data.messages.some((m: any) => m.ext?.includes('input_status')),
      'and is stored nowhere',
    )
  })

  t.test('group send reaches the members; a non-member is refused with a Status', async (t) => {
    const groupId = await createGroup(app, alice, {}, [bob])
    const a = await open('ws')
    const b = await open('io')
    const c = await open('io')
    const aLogin = await login(a, alice.userId, alice.token)
    await login(b, bob.userId, bob.token)
    const cLogin = await login(c, carol.userId, carol.token)
    const sent = await sendText(a, { uid: alice.userId, deviceSN: aLogin.xid.deviceSN }, groupId, 'hello group', true)
    t.match(sent, { status: { code: 'OK' }, xid: { uid: groupId } })
    t.equal((await b.next((f) => f.command === 'NOTICE')).body.uid, groupId, 'the member is told of the group')
    const got = await pull(b, groupId)
    t.match(got.bodies, [{ type: 'GROUPCHAT', content: 'hello group' }])
    t.match(got.metas[0].to, { uid: groupId })
    const refused = await sendText(c, { uid: carol.userId, deviceSN: cLogin.xid.deviceSN }, groupId, 'let me in', true)
    t.match(refused, { status: { code: 'UNAUTHORIZED' } }, 'a non-member: UNAUTHORIZED, with the client_mid')
    t.notOk(refused.server_mid, 'and no server id')
    const refusedRtc = await c.next(() => true, 300).catch(() => undefined)
    t.equal(refusedRtc, undefined, 'nothing else arrives')
  })

  t.test('a device kicked over REST: the user notice, then the close', async (t) => {
    const b = await open('ws')
    const answer = await login(b, bob.userId, bob.token, `${bob.userId}_kickme`)
    const kicked = await rest(bob, 'POST', `/user/device/remove?device_sn=${answer.xid.deviceSN}`)
    t.equal(kicked.code, 200)
    const notice = await b.next((f) => f.command === 'SYNC' && f.body.is_eager_sync)
    t.match(notice.body, { status: { code: 'OK' }, xid: {} })
    t.match(dec('UserNotice', notice.body.metas[0].payload), { type: 'KICKED_BY_OTHER_DEVICE' }, 'KICKED_BY_OTHER_DEVICE')
    t.equal(await (b as any).closeCode, 1000, 'then closed with 1000')
    const again = await open('io')
    t.match((await login(again, bob.userId, bob.token)).status, { code: 'INVALID_TOKEN' }, 'the revoked token logs in no more')
  })
})
