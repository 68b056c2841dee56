// Picture captchas as SVG: digits drawn as strokes, each turned and shifted at random, over noise lines (no font, no library).
import { randomInt } from 'node:crypto'

/** Each digit's strokes on a 10 × 16 grid, as one SVG path. */
export const DIGIT_PATHS: Readonly<Record<string, string>> = {
  '0': 'M1 1H9V15H1Z',
  '1': 'M3 3L5 1V15M2 15H8',
  '2': 'M1 1H9V8H1V15H9',
  '3': 'M1 1H9V15H1M3 8H9',
  '4': 'M1 1V9H9M7 4V15',
  '5': 'M9 1H1V8H9V15H1',
  '6': 'M9 1H1V15H9V8H1',
  '7': 'M1 1H9L4 15',
  '8': 'M1 1H9V15H1ZM1 8H9',
  '9': 'M9 8H1V1H9V15H1',
}

export const CAPTCHA_LENGTH = 4

/** A random text of CAPTCHA_LENGTH digits (CSPRNG). */
export function captchaText(): string {
  return Array.from({ length: CAPTCHA_LENGTH }, () => String(randomInt(0, 10))).join('')
}

/** The picture of `text` (digits only): 120 × 40, every glyph and line placed at random. */
export function captchaSvg(text: string): string {
  const glyphs = [...text].map((digit, i) => {
    const x = 12 + i * 26 + randomInt(-3, 4)
    const y = 6 + randomInt(-3, 4)
    const angle = randomInt(-20, 21)
    const hue = randomInt(0, 360)
    return `<path d="${DIGIT_PATHS[digit]}" transform="translate(${x} ${y}) rotate(${angle} 5 8) scale(1.6)" fill="none" stroke="hsl(${hue},60%,35%)" stroke-width="1.6" stroke-linecap="round"/>`
  })
  const noise = Array.from({ length: 5 }, () => {
    const hue = randomInt(0, 360)
    return `<line x1="${randomInt(0, 120)}" y1="${randomInt(0, 40)}" x2="${randomInt(0, 120)}" y2="${randomInt(0, 40)}" stroke="hsl(${hue},40%,60%)" stroke-width="1"/>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" fill="#f4f4f4"/>${noise.join('')}${glyphs.join('')}</svg>`
}
