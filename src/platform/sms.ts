// Verification-code senders chosen by SMS_PROVIDER: console (development), file (JSON lines) or webhook (with retries).
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'

export interface SmsMessage {
  /** E.164, e.g. +8613800138000. */
  mobile: string
  code: string
  purpose: 'register' | 'reset' | 'bind' | 'mobile'
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>
}

export interface SmsConfig {
  SMS_PROVIDER: 'console' | 'file' | 'webhook'
  SMS_OUTBOX: string
  SMS_WEBHOOK_URL?: string
  NODE_ENV: string
}

const line = (m: SmsMessage) => JSON.stringify({ mobile: m.mobile, code: m.code, purpose: m.purpose, sent_at: Date.now() })

export function createSmsSender(config: SmsConfig, log: FastifyBaseLogger): SmsSender {
  switch (config.SMS_PROVIDER) {
    case 'console':
      return {
        async send(m) {
          // The one place a code may be logged: showing it to a developer is this provider's job.
          if (config.NODE_ENV === 'production') log.info({ mobile: m.mobile, purpose: m.purpose }, 'verification code sent')
          else log.info({ mobile: m.mobile, purpose: m.purpose, code: m.code }, 'verification code sent (development: code shown)')
        },
      }
    case 'file':
      return {
        async send(m) {
          await mkdir(dirname(config.SMS_OUTBOX), { recursive: true })
          await appendFile(config.SMS_OUTBOX, `${line(m)}\n`)
        },
      }
    case 'webhook':
      return webhookSender(config.SMS_WEBHOOK_URL!, log)
  }
}

/** POSTs the JSON line; retries network errors and 5xx with backoff, gives up on 4xx. */
export function webhookSender(url: string, log: FastifyBaseLogger, attempts = 3, backoffMs = 200): SmsSender {
  return {
    async send(m) {
      let lastError: unknown
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: line(m),
            signal: AbortSignal.timeout(5000),
          })
          if (response.ok) return
          lastError = new Error(`webhook answered ${response.status}`)
          if (response.status < 500) break
        } catch (error) {
          lastError = error
        }
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)))
      }
      log.error({ err: lastError, mobile: m.mobile }, 'verification code could not be delivered to the SMS webhook')
      throw lastError
    },
  }
}
