// Reads a picture captcha as a person would: the digits of the SVG, left to right.
import type { FastifyInstance } from 'fastify'
import { DIGIT_PATHS } from '../../src/platform/captcha.ts'

/** The digits drawn in the picture, by each glyph's strokes and its place. */
export function readCaptcha(svg: string): string {
  const glyphs = [...svg.matchAll(/<path d="([^"]+)" transform="translate\((-?\d+) /g)].map((m) => ({ d: m[1]!, x: Number(m[2]) }))
  return glyphs
    .sort((a, b) => a.x - b.x)
    .map((g) => Object.entries(DIGIT_PATHS).find(([, d]) => d === g.d)?.[0] ?? '?')
    .join('')
}

/** A new captcha picture as MaxIM's SDK shows it: its id, and the text a person reads in it. */
export async function newCaptcha(app: FastifyInstance, appId = 'default'): Promise<{ imageId: string; text: string }> {
  const made = await app.inject({ method: 'POST', url: '/app/captcha/image', headers: { app_id: appId, 'content-type': 'application/json' }, payload: '{}' })
  const imageId = made.json().data as string
  const picture = await app.inject({ method: 'GET', url: `/app/captcha/image?image_id=${imageId}&app_id=${appId}` })
  return { imageId, text: readCaptcha(picture.body) }
}

/** Sends a code to the number the way the SDK's login pages do: picture captcha, then /app/captcha/sms_web. */
export async function sendCodeAfterCaptcha(app: FastifyInstance, mobile: string, appId = 'default') {
  const { imageId, text } = await newCaptcha(app, appId)
  const sent = await app.inject({
    method: 'GET',
    url: `/app/captcha/sms_web?captcha=${text}&image_id=${imageId}&mobile=${encodeURIComponent(mobile)}`,
    headers: { app_id: appId },
  })
  const body = sent.json()
  if (body.code !== 200) throw new Error(`sms_web failed: ${sent.body}`)
}
