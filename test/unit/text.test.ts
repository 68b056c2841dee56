// Unit tests of the text rules: control characters and broken Unicode anywhere, and line breaks, invisible and direction characters in names.
import t from 'tap'
import { displayNameProblem, isDisplayName, textProblem } from '../../src/domain/text.ts'

t.test('textProblem: ordinary text of every script passes; tab and line breaks are text', async (t) => {
  for (const text of [
    '',
    'hello',
    '你好，世界',
    'مرحبا',
    'Ünïcödé',
    'a\tb',
    'line\nbreak',
    'crlf\r\n',
    '👨‍👩‍👧 family',
    '😀',
    ' ',
    '\u00A0nbsp',
    '\u200D joiner is text',
  ]) {
    t.equal(textProblem(text), undefined, JSON.stringify(text))
  }
})

t.test('textProblem: each control character is refused and named by its code point, in English and Chinese', async (t) => {
  const refused: Array<[string, string]> = [
    ['\u0000', 'U+0000'],
    ['\u0001', 'U+0001'],
    ['\u0008', 'U+0008'],
    ['\u000B', 'U+000B'],
    ['\u000C', 'U+000C'],
    ['\u000E', 'U+000E'],
    ['\u001F', 'U+001F'],
    ['\u007F', 'U+007F'],
    ['\u0080', 'U+0080'],
    ['\u009F', 'U+009F'],
  ]
  for (const [char, name] of refused) {
    t.same(textProblem(`a${char}b`), { reason: `must not contain control characters (${name})`, zh: `不能包含控制字符（${name}）` }, name)
  }
  t.same(textProblem('\u0001\u0002'), { reason: 'must not contain control characters (U+0001)', zh: '不能包含控制字符（U+0001）' }, 'the first one is named')
  t.equal(textProblem('\u00A0'), undefined, 'U+00A0, just past the C1 block, is text')
})

t.test('textProblem: a lone surrogate is refused; a whole pair is text', async (t) => {
  const broken = { reason: 'must be valid Unicode text (a lone surrogate was found)', zh: '不是有效的 Unicode 文本' }
  t.same(textProblem('\uD83D'), broken, 'a high surrogate alone')
  t.same(textProblem('x\uDE00'), broken, 'a low surrogate alone')
  t.same(textProblem('\uDE00\uD83D'), broken, 'a pair in the wrong order')
  t.same(textProblem('ok \uD83D then'), broken, 'in the middle')
  t.equal(textProblem('\uD83D\uDE00'), undefined, 'a pair is an emoji')
  t.same(
    textProblem('\u0000\uD83D'),
    { reason: 'must not contain control characters (U+0000)', zh: '不能包含控制字符（U+0000）' },
    'control characters are reported first',
  )
})

t.test('displayNameProblem: text problems first, then what only names refuse', async (t) => {
  t.same(displayNameProblem('a\u0000'), textProblem('a\u0000'))
  t.same(displayNameProblem('\uD83D'), textProblem('\uD83D'))
  const hidden: Array<[string, string]> = [
    ['\t', 'U+0009'],
    ['\n', 'U+000A'],
    ['\r', 'U+000D'],
    ['\u00AD', 'U+00AD'],
    ['\u034F', 'U+034F'],
    ['\u061C', 'U+061C'],
    ['\u115F', 'U+115F'],
    ['\u1160', 'U+1160'],
    ['\u180E', 'U+180E'],
    ['\u200B', 'U+200B'],
    ['\u200C', 'U+200C'],
    ['\u200E', 'U+200E'],
    ['\u200F', 'U+200F'],
    ['\u2028', 'U+2028'],
    ['\u202A', 'U+202A'],
    ['\u202E', 'U+202E'],
    ['\u2060', 'U+2060'],
    ['\u2064', 'U+2064'],
    ['\u2066', 'U+2066'],
    ['\u206F', 'U+206F'],
    ['\u3164', 'U+3164'],
    ['\uFEFF', 'U+FEFF'],
    ['\uFFA0', 'U+FFA0'],
  ]
  for (const [char, name] of hidden) {
    t.same(
      displayNameProblem(`ab${char}cd`),
      {
        reason: `must not contain line breaks, invisible or text-direction characters (${name})`,
        zh: `不能包含换行、不可见字符或文字方向控制字符（${name}）`,
      },
      name,
    )
    t.equal(textProblem(`ab${char}cd`), undefined, `${name} is fine in message text`)
  }
  t.match(displayNameProblem('\u202Egnp.exe'), { reason: /U\+202E/ }, 'a right-to-left override spoofs a file name')
  t.equal(displayNameProblem('\u2065'), undefined, 'U+2065 (unassigned, between the ranges) is not in the list')
})

t.test('the zero width joiner: allowed only between two pictographs', async (t) => {
  for (const name of ['👨‍👩‍👧', '🏳️‍🌈', '❤️‍🔥', 'ok 👩‍💻']) t.equal(displayNameProblem(name), undefined, `${name}: an emoji sequence`)
  for (const name of ['a\u200Db', '\u200D😀', '😀\u200D', '\u200D', 'a\u200D😀', '😀\u200Da']) {
    t.match(displayNameProblem(name), { reason: /U\+200D/, zh: /U\+200D/ }, `${JSON.stringify(name)}: a lone joiner`)
  }
})

t.test('isDisplayName says the same as displayNameProblem', async (t) => {
  for (const name of ['Alice', '张三', '👨‍👩‍👧', '']) t.equal(isDisplayName(name), true, JSON.stringify(name))
  for (const name of ['a\nb', 'a\u0000', '\u202E', '\uD83D', 'a\u200Db']) t.equal(isDisplayName(name), false, JSON.stringify(name))
})
