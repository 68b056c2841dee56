// What text the service accepts: no control characters anywhere (PostgreSQL refuses NUL), and no spoofing in names people see.

/**
 * C0 controls other than tab, line feed and carriage return, DEL, and the C1 controls. NUL cannot be
 * stored in PostgreSQL text at all; the others are never typed by a person and only hide or garble.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole job
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u
/** Half of a surrogate pair without its other half (a broken "\ud83d" escape): not text, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * In names people see (nick names, group names, aliases, group cards) also: line breaks and tabs,
 * text-direction marks and overrides (which reverse how a name reads: "‮gnp.exe"), and invisible
 * characters (which make two different names look the same). U+200D ZERO WIDTH JOINER is allowed
 * between two pictographs, where it joins an emoji sequence (👨‍👩‍👧).
 */
// eslint-disable-next-line no-misleading-character-class -- the combining and joining marks are listed to be matched alone, each one refused
const NAME_ONLY = /[\t\n\r\u00AD\u034F\u061C\u115F\u1160\u180E\u200B\u200C\u200E\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0]/u
const LONE_JOINER = /(?<!\p{Extended_Pictographic}\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/u

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
}

/** Why a text is refused: for developers (`reason`) and for the old surfaces' users (`zh`), each after the parameter's name. */
export interface TextProblem {
  reason: string
  zh: string
}

/** Why `value` is not acceptable text, or undefined when it is. */
export function textProblem(value: string): TextProblem | undefined {
  const control = CONTROL.exec(value)
  if (control) return { reason: `must not contain control characters (${codePoint(control[0])})`, zh: `不能包含控制字符（${codePoint(control[0])}）` }
  if (LONE_SURROGATE.test(value)) return { reason: 'must be valid Unicode text (a lone surrogate was found)', zh: '不是有效的 Unicode 文本' }
  return undefined
}

/** Why `value` is not acceptable as a name people see, or undefined when it is. */
export function displayNameProblem(value: string): TextProblem | undefined {
  const text = textProblem(value)
  if (text) return text
  const hidden = NAME_ONLY.exec(value) ?? LONE_JOINER.exec(value)
  if (hidden) {
    return {
      reason: `must not contain line breaks, invisible or text-direction characters (${codePoint(hidden[0])})`,
      zh: `不能包含换行、不可见字符或文字方向控制字符（${codePoint(hidden[0])}）`,
    }
  }
  return undefined
}

export function isDisplayName(value: string): boolean {
  return displayNameProblem(value) === undefined
}
