// Unit tests of the pure group rules (semantics §5): roles, who may manage whom, bans in force, capacity, pages and cursors.
import t from 'tap'
import type { Actor } from '../../src/domain/actor.ts'
import type { Db } from '../../src/platform/db.ts'
import type { Group, GroupRole, Member } from '../../src/domain/groups/groups.types.ts'
import {
  actingIn,
  cannotManage,
  rankOf,
  refuseFull,
  requireAdmin,
  requireMember,
  requireOwner,
  self,
  toPage,
  type Acting,
} from '../../src/domain/groups/groups.rules.ts'
import { parseCursor } from '../../src/domain/paging.ts'
import { banInForce } from '../../src/domain/time.ts'

const group = (patch: Partial<Group> = {}): Group => ({
  id: 7,
  appId: 'default',
  ownerId: 1,
  name: 'g',
  description: '',
  avatar: '',
  type: 0,
  status: 0,
  memberInvite: true,
  memberModify: false,
  applyApproval: 1,
  readAck: false,
  historyVisible: false,
  hideMemberInfo: false,
  banExpireTime: 0,
  ext: '',
  projectName: '',
  groupType: 1,
  code: '',
  memberCount: 3,
  capacity: 5,
  createdAt: 0,
  updatedAt: 0,
  ...patch,
})
const member = (role: GroupRole): Member => ({ userId: 2, role, displayName: '', msgMuteMode: 0, msgPushMode: 0, banExpire: 0, joinedAt: 0 })
const acting = (role: GroupRole | null): Acting => ({ userId: 2, role, member: role ? member(role) : null })
const actor = (patch: Partial<Actor> = {}): Actor => ({
  appId: 'default',
  userId: 2,
  isAdmin: false,
  asGroupAdmin: null,
  tokenId: 1,
  sessionTokenId: 1,
  deviceId: null,
  expiresAt: null,
  ...patch,
})
/** A database these rules must not touch on the paths tested: any use fails the test. */
const noDatabase = new Proxy(
  {},
  {
    get: (_target, name) => {
      throw new Error(`the database was used (${String(name)})`)
    },
  },
) as unknown as Db

t.test('requireMember, requireAdmin, requireOwner: each role passes what it may and is refused with the right code', async (t) => {
  const g = group()
  for (const role of ['member', 'admin', 'owner'] as const) t.doesNotThrow(() => requireMember(acting(role), g), `${role} is a member`)
  t.throws(() => requireAdmin(acting('member'), g), { key: 'NEED_ADMIN', code: 20012, message: /owner and admins of group 7/ }, 'a member is not an admin')
  for (const role of ['admin', 'owner'] as const) t.doesNotThrow(() => requireAdmin(acting(role), g), `${role} passes requireAdmin`)
  for (const role of ['member', 'admin'] as const) {
    t.throws(() => requireOwner(acting(role), g), { key: 'NEED_OWNER', code: 20013, message: /owner of group 7/ }, `${role} is not the owner`)
  }
  t.doesNotThrow(() => requireOwner(acting('owner'), g), 'the owner passes requireOwner')
  for (const check of [requireMember, requireAdmin, requireOwner]) {
    t.throws(
      () => check(acting(null), g),
      { key: 'NOT_GROUP_MEMBER', code: 20002, message: /not a member of group 7/ },
      `${check.name}: a non-member is told it is not a member first`,
    )
  }
})

t.test('cannotManage: nobody touches the owner; only the owner touches admins; protectAdmins spares admins from everyone', async (t) => {
  t.match(cannotManage(acting('owner'), 'owner'), /owner cannot be removed/)
  t.match(cannotManage(acting('admin'), 'owner'), /owner cannot be removed/)
  t.equal(cannotManage(acting('owner'), 'admin'), null, 'the owner manages admins')
  t.match(cannotManage(acting('admin'), 'admin'), /only the owner/, 'an admin does not manage another admin')
  t.match(cannotManage({ userId: null, role: 'admin', member: null }, 'admin'), /only the owner/, 'nor does the admin token acting as an admin')
  t.equal(cannotManage(acting('admin'), 'member'), null)
  t.equal(cannotManage(acting('owner'), 'member'), null)
  t.match(cannotManage(acting('owner'), 'admin', true), /only the owner/, 'legacy deleteUser: not even the owner removes an admin')
  t.equal(cannotManage(acting('owner'), 'member', true), null, 'protectAdmins leaves members manageable')
})

t.test('rankOf orders owner > admin > member', async (t) => {
  t.same(
    (['member', 'owner', 'admin'] as const).slice().sort((a, b) => rankOf(b) - rankOf(a)),
    ['owner', 'admin', 'member'],
  )
  t.ok(rankOf('owner') > rankOf('admin') && rankOf('admin') > rankOf('member'))
})

t.test('self: the acting user, or a bad parameter for the admin token without user_id', async (t) => {
  t.equal(self(actor({ userId: 42 })), 42)
  t.equal(self(actor({ userId: 0 })), 0, 'user id 0 is a user id, not "none"')
  t.throws(() => self(actor({ userId: null, isAdmin: true })), { key: 'BAD_PARAMETER', code: 10002, message: /user_id header/ })
})

t.test('banInForce: -1 forever, a later second in force, now or earlier or 0 over', async (t) => {
  const now = 1_800_000_000
  t.equal(banInForce(-1, now), true, '-1 is forever')
  t.equal(banInForce(now + 1, now), true, 'one second left')
  t.equal(banInForce(now, now), false, 'ends at its second')
  t.equal(banInForce(now - 1, now), false, 'in the past')
  t.equal(banInForce(0, now), false, '0 is not banned')
  t.equal(banInForce(-2, now), false, 'only -1 means forever')
})

t.test('refuseFull: up to the capacity, not beyond', async (t) => {
  t.doesNotThrow(() => refuseFull(group({ memberCount: 3, capacity: 5 }), 2), 'exactly full is allowed')
  t.doesNotThrow(() => refuseFull(group({ memberCount: 5, capacity: 5 }), 0), 'adding nobody to a full group')
  t.throws(() => refuseFull(group({ memberCount: 3, capacity: 5 }), 3), { key: 'QUOTA_GROUP_MEMBERS', code: 20010, message: /at most 5 members/ })
  t.throws(() => refuseFull(group({ memberCount: 5, capacity: 5 }), 1), { code: 20010 })
})

t.test('toPage: limit items, a cursor only when the extra row shows more', async (t) => {
  const key = (n: number) => n * 10
  t.same(toPage([1, 2, 3, 4], 3, 9, key), { items: [1, 2, 3], total: 9, cursor: '30' }, 'more remain: the key of the last item shown')
  t.same(toPage([1, 2, 3], 3, 3, key), { items: [1, 2, 3], total: 3 }, 'exactly a page: no cursor')
  t.same(toPage([1], 3, 1, key), { items: [1], total: 1 })
  t.same(toPage([], 3, 0, key), { items: [], total: 0 }, 'an empty page')
  t.notOk('cursor' in toPage([1, 2], 2, 2, key), 'no cursor key at all on the last page')
})

t.test('parseCursor: empty is the start; decimal ids up to the maximum; anything else is a bad parameter', async (t) => {
  t.equal(parseCursor(undefined), undefined)
  t.equal(parseCursor(''), undefined)
  t.equal(parseCursor('0'), 0)
  t.equal(parseCursor('12345'), 12345)
  t.equal(parseCursor('007'), 7, 'leading zeros are digits')
  t.equal(parseCursor('999999999999999'), 999_999_999_999_999, 'fifteen digits')
  t.equal(parseCursor('2147483647', 2 ** 31 - 1), 2 ** 31 - 1, 'the maximum itself')
  for (const bad of ['-1', '1.5', '1e3', ' 1', '1 ', 'abc', '0x10', '90071992547409920']) {
    t.throws(() => parseCursor(bad), { key: 'BAD_PARAMETER', code: 10002, message: /cursor/ }, JSON.stringify(bad))
  }
  t.throws(() => parseCursor('2147483648', 2 ** 31 - 1), { code: 10002 }, 'above the maximum of an int4 key')
})

t.test('actingIn without a database read: the admin token alone, and a group_id header naming another group', async (t) => {
  t.same(
    await actingIn(noDatabase, actor({ userId: null, isAdmin: true }), group()),
    { userId: null, role: 'admin', member: null },
    'the admin token acts as an admin',
  )
  t.same(await actingIn(noDatabase, actor({ userId: null, isAdmin: true, asGroupAdmin: 7 }), group()), { userId: null, role: 'admin', member: null })
  await t.rejects(actingIn(noDatabase, actor({ userId: null, isAdmin: true, asGroupAdmin: 8 }), group()), {
    key: 'NO_PERMISSION',
    code: 10010,
    message: /names group 8, not group 7/,
  })
  await t.rejects(actingIn(noDatabase, actor({ userId: 2, isAdmin: true, asGroupAdmin: 8 }), group()), { code: 10010 }, 'with user_id too')
})
