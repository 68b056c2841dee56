// xsync comparisons: a send's round trip over xsync vs REST's (what a /ws client sends with), and NOTICE fan-out to 1,000 xsync sockets vs a bare broadcast.
import { WebSocket } from 'ws'
import { CMD, dec, enc } from '../helpers/xsync.ts'
import type { Fixture } from './fixture.ts'
import { bareRounds, groupSendRound, groupWithTokens, roundsTarget } from './messages.ts'
import { bareBroadcaster, socketFleet, type BareBroadcaster } from './socket-fleet.ts'

const CONTENT = 'a benchmark message of ordinary length, about sixty characters'

/** A plain xsync WebSocket logged in with `token`; `frames` hands each decoded Frame to the current listener. */
async function xsyncSocket(url: string, uid: number, token: string) {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/')
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const answer = new Promise<any>((resolve) => ws.once('message', (data: Buffer) => resolve(dec('Provision', dec('Frame', data).payload))))
  ws.send(enc('Frame', { command: CMD.PROVISION, payload: enc('Provision', { xid: { uid }, token, device_guid: `${uid}_bench`, os_type: 6 }) }))
  const provision = await answer
  if (provision.status?.code !== 'OK') throw new Error(`xsync login failed: ${JSON.stringify(provision)}`)
  return { ws, deviceSn: provision.xid.deviceSN as number }
}

/** Sequential rounds: an xsync upload until its ack, against a REST send until its answer; same sender, same peer. */
export async function xsyncSendVsRest(f: Fixture) {
  const { ws, deviceSn } = await xsyncSocket(f.appUrl, f.user.userId, f.user.token)
  let mid = Date.now()
  const body = enc('MessageBody', { type: 2, ctype: 0, content: CONTENT })
  const xsyncRound = () =>
    new Promise<void>((resolve, reject) => {
      const clientMid = ++mid
      const onFrame = (data: Buffer) => {
        const frame = dec('Frame', data)
        if (frame.command !== 'SYNC') return
        const ack = dec('SyncDL', frame.payload)
        if (ack.client_mid !== clientMid) return
        ws.off('message', onFrame)
        if (ack.status?.code !== 'OK' || !ack.server_mid) reject(new Error(`not sent: ${JSON.stringify(ack.status)}`))
        else resolve()
      }
      ws.on('message', onFrame)
      const meta = { id: clientMid, from: { uid: f.user.userId, deviceSN: deviceSn }, to: { uid: f.peer.userId }, ns: 1, payload: body }
      ws.send(enc('Frame', { command: CMD.SYNC, payload: enc('SyncUL', { meta }) }))
    })
  const restRound = async () => {
    const response = await fetch(`${f.appUrl}/message/send`, {
      method: 'POST',
      headers: { 'access-token': f.user.token, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 1, targets: [f.peer.userId], content_type: 0, content: CONTENT }),
    })
    if (((await response.json()) as { code: number }).code !== 200) throw new Error('REST send failed')
  }
  return { a: roundsTarget(xsyncRound), b: roundsTarget(restRound), close: async () => ws.terminate() }
}

/**
 * 1,000 users logged in over xsync in one group with the sender: a REST group send until each socket has its NOTICE,
 * vs a bare ws broadcast of the same bytes. Both sides' clients live in child processes (socket-fleet.ts), as the
 * /ws fan-out's do, and so does the bare server.
 */
export async function xsyncFanOut(f: Fixture, count = 1000) {
  const { users, tokens, group } = await groupWithTokens(f, count, 'xs')
  const ours = socketFleet()
  const theirs = socketFleet()
  let bare: BareBroadcaster | undefined
  const close = async () => {
    await Promise.all([ours.close(), theirs.close(), bare?.close()])
  }
  try {
    await ours.openXsync(
      f.appUrl.replace(/^http/, 'ws') + '/',
      users.map((u, i) => ({ uid: u.id, token: tokens[i]! })),
    )
    const oursRound = groupSendRound(f, ours, count, group, CONTENT)
    const notice = enc('Frame', { command: CMD.NOTICE, payload: enc('XID', { uid: group }) })
    bare = await bareBroadcaster()
    const bareRound = await bareRounds(theirs, bare, count, notice)
    return { a: roundsTarget(oursRound), b: roundsTarget(bareRound), close }
  } catch (error) {
    await close()
    throw error
  }
}
