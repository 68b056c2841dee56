// Unit tests of the accounts field rules: usernames, login names, emails, ranges, and mobile numbers in every writing.
import t from 'tap'
import { checkEmail, checkRange, checkUsername, resolveLoginName } from '../../src/domain/accounts/rules.ts'
import { displayMobile, normalizeMobile, parseMobile } from '../../src/domain/accounts/mobile.ts'

const badParameter = (message: RegExp) => ({ key: 'BAD_PARAMETER', code: 10002, message })

t.test('checkUsername: 1–64 letters, digits and underscores, not all digits', async (t) => {
  for (const name of ['a', 'Alice_1', '_', '1a', 'a1', 'x'.repeat(64), '0_0']) t.doesNotThrow(() => checkUsername(name), name)
  for (const name of ['', '123', '0', 'x'.repeat(65), 'a b', 'a-b', 'a.b', 'a@b', '张三', 'é', 'a\n']) {
    t.throws(() => checkUsername(name), badParameter(/username must be 1-64 letters/), JSON.stringify(name))
  }
})

t.test('resolveLoginName: resolved names pass through; a free login name is an email, a username or a mobile', async (t) => {
  t.same(resolveLoginName({ by: 'id', userId: 3 }), { by: 'id', userId: 3 })
  t.same(resolveLoginName({ by: 'username', username: 'x' }), { by: 'username', username: 'x' })
  t.same(resolveLoginName({ by: 'mobile', mobile: '+8613800138000' }), { by: 'mobile', mobile: '+8613800138000' })
  t.same(resolveLoginName({ by: 'any', loginName: 'a@b.c' }), { by: 'email', email: 'a@b.c' })
  t.same(resolveLoginName({ by: 'any', loginName: '  alice_1 ' }), { by: 'username', username: 'alice_1' }, 'trimmed')
  t.same(resolveLoginName({ by: 'any', loginName: '13800138000' }), { by: 'mobile', mobile: '+8613800138000' }, 'digits are a mobile')
  t.same(resolveLoginName({ by: 'any', loginName: '+86 138-0013-8000' }), { by: 'mobile', mobile: '+8613800138000' })
  t.same(resolveLoginName({ by: 'any', loginName: '@' }), { by: 'email', email: '@' }, 'anything with @ is looked up as an email (and simply not found)')
  for (const name of ['12345', 'a b', '', '张三', '010-12345678']) {
    t.throws(() => resolveLoginName({ by: 'any', loginName: name }), badParameter(/username, an email address or a mobile number/), JSON.stringify(name))
  }
})

t.test('checkEmail: one @ with something around it and no white space', async (t) => {
  for (const email of ['a@b', 'first.last+tag@example.com', `${'x'.repeat(64)}@${'y'.repeat(255)}`]) t.doesNotThrow(() => checkEmail(email), email.slice(0, 30))
  for (const email of ['', 'a', '@b', 'a@', 'a@@b', 'a b@c', 'a@b c', `${'x'.repeat(65)}@b`, `a@${'y'.repeat(256)}`]) {
    t.throws(() => checkEmail(email), badParameter(/email is not a valid address/), JSON.stringify(email.slice(0, 30)))
  }
})

t.test('checkRange: integers from min to max, both included', async (t) => {
  for (const value of [0, 5, 23]) t.doesNotThrow(() => checkRange('hour', value, 0, 23), String(value))
  for (const value of [-1, 24, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => checkRange('hour', value, 0, 23), badParameter(/^hour must be an integer from 0 to 23$/), String(value))
  }
})

t.test('parseMobile: one number however it is written; landlines, short and foreign non-mobiles are not mobiles', async (t) => {
  for (const text of ['13800138000', '+8613800138000', '008613800138000', '+86 138-0013-8000', '(138) 0013.8000', ' 13800138000 ']) {
    t.equal(parseMobile(text), '+8613800138000', JSON.stringify(text))
  }
  t.equal(parseMobile('+447911123456'), '+447911123456', 'a UK mobile keeps its country')
  t.equal(parseMobile('+14155552671'), '+14155552671', 'a US number (the plan does not tell mobiles apart)')
  for (const text of [
    '',
    '123',
    '1380013800',
    '138001380001',
    '01012345678',
    '+442071234567',
    '+86 10 1234 5678',
    '138 0013 8000 ext 5',
    'abc',
    '1380013800a',
    '+',
    '+'.repeat(3) + '8613800138000',
    '1'.repeat(33),
  ]) {
    t.equal(parseMobile(text), undefined, JSON.stringify(text))
  }
})

t.test('normalizeMobile refuses naming the field; displayMobile shows mainland numbers as 11 digits', async (t) => {
  t.equal(normalizeMobile('138 0013 8000'), '+8613800138000')
  t.throws(() => normalizeMobile('12345'), { ...badParameter(/^mobile is not a mobile number/), zh: 'mobile 不是有效的手机号' })
  t.throws(() => normalizeMobile('x', 'phoneNumber'), { ...badParameter(/^phoneNumber is not a mobile number/), zh: 'phoneNumber 不是有效的手机号' })
  t.equal(displayMobile('+8613800138000'), '13800138000')
  t.equal(displayMobile('+447911123456'), '+447911123456', 'others in E.164')
  t.equal(displayMobile(null), null)
  t.equal(displayMobile('+861'), '1', 'only the +86 prefix is taken off')
})
