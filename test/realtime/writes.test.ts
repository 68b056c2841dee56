// What a delivered message costs the server's socket: the frame and the ping that confirms it go out in one write.
import type { Socket } from 'node:net'
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { sendText } from '../helpers/messages.ts'
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

t.test('a message frame and its confirming ping leave in one write (a 10,000-member group costs 10,000 writes, not 20,000)', async (t) => {
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
