// What a delivered message costs the server's socket: the frame and the ping that confirms it go out in one write; no ping where nobody reads the confirmation.
import type { Socket } from 'node:net'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app.ts'
import { createGroup } from '../helpers/groups.ts'
import { sendText } from '../helpers/messages.ts'
import { pushRig } from '../helpers/push.ts'
import { listen, openSocket, pause } from '../helpers/sockets.ts'
import { registerUser } from '../helpers/users.ts'

/** Each write the socket hands to the system (one `_write`, or one `_writev` of corked chunks), as the bytes it carried. */
function recordWrites(socket: Socket): Buffer[] {
  const writes: Buffer[] = []
  const raw = socket as Socket & {
    _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void
    _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void
  }
  const write = raw._write.bind(raw)
  const writev = raw._writev.bind(raw)
  raw._write = (chunk, encoding, callback) => {
    writes.push(Buffer.from(chunk))
    write(chunk, encoding, callback)
  }
  raw._writev = (chunks, callback) => {
    writes.push(Buffer.concat(chunks.map((c) => Buffer.from(c.chunk))))
    writev(chunks, callback)
  }
  return writes
}

t.test('a message frame and its confirming ping leave in one write: one system call per socket, not two', async (t) => {
  const app = await buildTestApp(t)
  const url = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  // Bob's socket is the only TCP connection: the sends below go through inject.
  const accepted = new Promise<Socket>((resolve) => app.server.once('connection', resolve))
  const bobPhone = await openSocket(url, bob.token)
  const writes = recordWrites(await accepted)
  const before = writes.length
  const id = await sendText(app, alice.token, bob.userId, 'one write')
  await bobPhone.next((f) => f.type === 'message' && f.msg_id === id)
  // Its pong is answered by nothing: anything written later would be another write.
  await pause(200)
  const after = writes.slice(before)
  t.equal(after.length, 1, 'one write for the frame and the ping')
  const write = after[0]!
  // Unmasked server frames: 0x81 a final text frame, 0x89 a ping; the length in 7 bits, or 126 and 16 bits.
  t.equal(write[0], 0x81, 'the message frame first')
  t.ok(write.includes(Buffer.from('one write')), 'carrying the message')
  const short = write[1]!
  const frameEnd = short === 126 ? 4 + write.readUInt16BE(2) : 2 + short
  t.equal(write[frameEnd], 0x89, 'then the ping, in the same write')
  await bobPhone.close()
})

/** The frames of one write, as [opcode byte, payload] (unmasked server frames; lengths below 65,536). */
function framesIn(write: Buffer): Array<[number, Buffer]> {
  const frames: Array<[number, Buffer]> = []
  for (let at = 0; at < write.length;) {
    const short = write[at + 1]! & 0x7f
    const header = short === 126 ? 4 : 2
    const length = short === 126 ? write.readUInt16BE(at + 2) : short
    frames.push([write[at]!, write.subarray(at + header, at + header + length)])
    at += header + length
  }
  return frames
}

/** Bob in a group of Alice's, his socket's writes recorded; each call sends a group message and answers the writes it made. */
async function groupMessageWrites(app: FastifyInstance) {
  const url = await listen(app)
  const [alice, bob] = [await registerUser(app), await registerUser(app)]
  const group = await createGroup(app, alice, {}, [bob])
  const accepted = new Promise<Socket>((resolve) => app.server.once('connection', resolve))
  const bobPhone = await openSocket(url, bob.token)
  const writes = recordWrites(await accepted)
  return {
    async send(text: string) {
      const before = writes.length
      const id = await sendText(app, alice.token, group, text, 2)
      await bobPhone.next((f) => f.type === 'message' && f.msg_id === id)
      await pause(200)
      return writes.slice(before).flatMap(framesIn)
    },
    close: () => bobPhone.close(),
  }
}

t.test('a group message of an app that does not push is not followed by a ping (its delivery marks are never written)', async (t) => {
  const app = await buildTestApp(t)
  const bob = await groupMessageWrites(app)
  // The first one asks whether the app pushes; from then on the answer is known.
  await bob.send('first')
  const frames = await bob.send('second')
  t.same(
    frames.map(([opcode]) => opcode),
    [0x81],
    'the message frame alone',
  )
  t.ok(frames[0]![1].includes(Buffer.from('second')))
  await bob.close()
})

t.test('a group message of an app that pushes is confirmed: the push worker reads whether the socket took it', async (t) => {
  const rig = await pushRig(t, { credentials: true })
  const bob = await groupMessageWrites(rig.app)
  await bob.send('first')
  const frames = await bob.send('second')
  t.same(
    frames.map(([opcode]) => opcode),
    [0x81, 0x89],
    'the message frame, then the ping, in one write',
  )
  await bob.close()
})
