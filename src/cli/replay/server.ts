// The in-process target: the whole app on a fresh embedded database in a temporary directory, logs silent.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../app.ts'
import { loadConfig } from '../../config.ts'

export interface InProcessServer {
  baseUrl: string
  outboxFile: string
  adminToken: string
  close(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Starts im-gateway as `npm start` would, but on a throwaway embedded database; SMS codes go to a file. */
export async function startInProcessServer(): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-gateway-replay-'))
  const outboxFile = join(dataDir, 'sms-outbox.jsonl')
  const adminToken = randomBytes(24).toString('base64url')
  try {
    const port = await freePort()
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      // Read once the SMS providers land; `{"$outbox": mobile}` reads codes from this file.
      SMS_PROVIDER: 'file',
      SMS_OUTBOX: outboxFile,
      ADMIN_TOKEN: adminToken,
    })
    const app = await buildApp(config, { onGeneratedAdminToken: () => {} })
    await app.listen({ host: config.HOST, port })
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      outboxFile,
      adminToken,
      async close() {
        await app.close()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}
