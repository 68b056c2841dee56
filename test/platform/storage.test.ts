// The file store keeps what it accepts byte for byte and leaves nothing behind when it refuses.
import t from 'tap'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { localFileStore } from '../../src/platform/storage.ts'

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const chunks = (buffer: Buffer, size = 1000) =>
  Readable.from(Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) => buffer.subarray(i * size, (i + 1) * size)))
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name)

t.test('local file store', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'im-gateway-files-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const store = localFileStore(root)
  const options = { folder: 'avatars', maxBytes: 5000, accept: ['png', 'jpeg'] as const }

  const png = Buffer.concat([PNG_HEAD, Buffer.alloc(3000, 7)])
  const saved = await store.save(chunks(png, 5), options)
  t.match(saved, { path: /^avatars\/[0-9a-f]{32}\.png$/, size: png.length, kind: 'png', mime: 'image/png' })
  const opened = await store.open(saved.path)
  const back = Buffer.concat(await opened!.stream.toArray())
  t.ok(back.equals(png), 'read back byte for byte')

  const refusal = (content: Buffer) =>
    store.save(chunks(content), options).then(
      () => 'stored',
      (e: { key?: string }) => e.key,
    )
  t.equal(await refusal(Buffer.concat([PNG_HEAD, Buffer.alloc(6000)])), 'PAYLOAD_TOO_LARGE')
  t.equal(await refusal(Buffer.from('hello, this is text, not an image')), 'BAD_FILE_TYPE')
  t.equal(await refusal(Buffer.from('GIF89a-but-gif-is-not-accepted')), 'BAD_FILE_TYPE')
  t.equal(await refusal(Buffer.from([0xff, 0xd8])), 'BAD_FILE_TYPE', 'too short to be an image')
  t.same(files(root), [saved.path.split('/')[1]], 'refused uploads left nothing behind')

  t.equal(await store.open('../../etc/passwd'), null, 'paths outside the store are never opened')
  t.equal(await store.open('avatars/../x.png'), null)
  await store.remove(saved.path)
  t.equal(await store.open(saved.path), null)
})
