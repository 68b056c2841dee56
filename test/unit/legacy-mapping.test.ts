// Unit tests of the legacy field projection (semantics §6): userVO, groups and members with each field's JSON type as the documents print it.
import t from 'tap'
import { Value } from 'typebox/value'
import type { User } from '../../src/domain/accounts/accounts.types.ts'
import type { Group, MemberWithUser } from '../../src/domain/groups/groups.types.ts'
import { GroupMemberVO, GroupVO, memberName, muteModeOf, renderGroupMemberVO, renderGroupVO, renderUserVO, UserVO } from '../../src/surfaces/legacy/mapping.ts'
import { absoluteUrl, documentedPath, FACADE_PATHS, LEGACY_PATHS } from '../../src/surfaces/shared/urls.ts'

const PUBLIC = 'https://im.example'
const user = (patch: Partial<User> = {}): User => ({
  id: 1000221,
  appId: 'default',
  username: 'alice',
  mobile: '+8613800138000',
  email: null,
  nickName: 'Ali',
  avatar: 'files/avatars/abc.png',
  description: '',
  publicInfo: '',
  privateInfo: '',
  disabled: false,
  mobileUnverified: null,
  deleted: false,
  createdAt: 0,
  profile: { sex: '2', age: '30', city: '杭州', signature: 'hi' },
  ...patch,
})
const group = (patch: Partial<Group> = {}): Group => ({
  id: 1221,
  appId: 'default',
  ownerId: 1000221,
  name: '悦尚',
  description: 'about',
  avatar: '',
  type: 0,
  status: 0,
  memberInvite: true,
  memberModify: false,
  applyApproval: 0,
  readAck: false,
  historyVisible: false,
  hideMemberInfo: false,
  banExpireTime: 0,
  ext: '',
  projectName: '悦尚九鲜',
  groupType: 2,
  code: '',
  memberCount: 1,
  capacity: 500,
  createdAt: 0,
  updatedAt: 0,
  ...patch,
})

t.test('renderUserVO: userId a number, every other field a string, absent profile fields empty', async (t) => {
  const vo = renderUserVO(user(), { publicUrl: PUBLIC, showMobile: true })
  t.same(vo, {
    userId: 1000221,
    sex: '2',
    age: '30',
    phoneNumber: '13800138000',
    country: '',
    province: '',
    city: '杭州',
    district: '',
    street: '',
    company: '',
    occupation: '',
    role: '',
    degrees: '',
    school: '',
    nickName: 'Ali',
    userPhoto: `${PUBLIC}/upload/images/userPhoto/abc.png`,
    signature: 'hi',
  })
  t.ok(Value.Check(UserVO, vo), 'the value fits its published schema')
  t.same(Object.keys(vo), Object.keys(UserVO.properties), 'the fields in the order the schema lists them')
})

t.test('renderUserVO: the mobile only when it may be shown, and shown as dialled at home', async (t) => {
  t.equal(renderUserVO(user(), { publicUrl: PUBLIC, showMobile: false }).phoneNumber, '', 'hidden')
  t.equal(renderUserVO(user({ mobile: null }), { publicUrl: PUBLIC, showMobile: true }).phoneNumber, '', 'none')
  t.equal(renderUserVO(user({ mobile: '+447911123456' }), { publicUrl: PUBLIC, showMobile: true }).phoneNumber, '+447911123456', 'a foreign number in E.164')
})

t.test('renderUserVO: userPhoto absolute in 001, the documented relative path in 000; URLs and no photo kept', async (t) => {
  t.equal(renderUserVO(user(), { publicUrl: PUBLIC, showMobile: false, photo: 'absolute' }).userPhoto, `${PUBLIC}/upload/images/userPhoto/abc.png`)
  t.equal(renderUserVO(user(), { publicUrl: PUBLIC, showMobile: false, photo: 'relative' }).userPhoto, 'upload/images/userPhoto/abc.png')
  t.equal(
    renderUserVO(user({ avatar: 'https://cdn.example/a.png' }), { publicUrl: PUBLIC, showMobile: false }).userPhoto,
    'https://cdn.example/a.png',
    "a client's URL as given",
  )
  t.equal(renderUserVO(user({ avatar: '' }), { publicUrl: PUBLIC, showMobile: false }).userPhoto, '', 'no photo: empty, not the bare public URL')
  t.equal(
    renderUserVO(user({ avatar: 'files/covers/x.png' }), { publicUrl: PUBLIC, showMobile: false }).userPhoto,
    `${PUBLIC}/files/covers/x.png`,
    'other folders keep their path',
  )
})

t.test('renderGroupVO: every value a string; notice as given', async (t) => {
  const vo = renderGroupVO(group(), 'tonight 8pm')
  t.same(vo, { groupId: '1221', projectName: '悦尚九鲜', groupName: '悦尚', type: '2', introduction: 'about', notice: 'tonight 8pm', creator_id: '1000221' })
  t.ok(Value.Check(GroupVO, vo))
  t.equal(renderGroupVO(group({ groupType: 1 }), '').type, '1', 'a project group')
})

t.test('renderGroupMemberVO: the userVO with a relative photo, user_type by role, show_name', async (t) => {
  const member = (role: MemberWithUser['role'], displayName = ''): MemberWithUser => ({
    userId: 1000221,
    role,
    displayName,
    msgMuteMode: 0,
    msgPushMode: 0,
    banExpire: 0,
    joinedAt: 0,
    user: user(),
  })
  const vo = renderGroupMemberVO(member('owner', 'boss'), PUBLIC)
  t.match(vo, { userId: 1000221, userPhoto: 'upload/images/userPhoto/abc.png', phoneNumber: '13800138000', user_type: '1', show_name: 'boss' })
  t.ok(Value.Check(GroupMemberVO, vo))
  t.equal(renderGroupMemberVO(member('admin'), PUBLIC).user_type, '2')
  t.equal(renderGroupMemberVO(member('member'), PUBLIC).user_type, '3')
  t.equal(renderGroupMemberVO(member('member'), PUBLIC).show_name, '')
})

t.test('memberName: group card, else nickname, username, mobile as dialled, id', async (t) => {
  t.equal(memberName({ displayName: 'Card' }, user()), 'Card')
  t.equal(memberName({ displayName: '' }, user()), 'Ali')
  t.equal(memberName({ displayName: '' }, user({ nickName: '' })), 'alice')
  t.equal(memberName({ displayName: '' }, user({ nickName: '', username: null })), '13800138000')
  t.equal(memberName({ displayName: '' }, user({ nickName: '', username: null, mobile: null })), '1000221')
})

t.test('muteModeOf: messageRemainMode 1 and 2 map to msg_mute_mode 0 and 1; nothing else is accepted', async (t) => {
  t.equal(muteModeOf('1'), 0)
  t.equal(muteModeOf('2'), 1)
  for (const value of ['0', '3', '', ' 1', '01', 'one']) {
    t.throws(
      () => muteModeOf(value),
      { key: 'BAD_PARAMETER', code: 10002, message: /messageRemainMode must be 1/, zh: /messageRemainMode 只能是 1/ },
      JSON.stringify(value),
    )
  }
})

t.test("urls: absolute URLs for stored paths, the documents' folders for stored files", async (t) => {
  t.equal(absoluteUrl('files/a.png', PUBLIC), `${PUBLIC}/files/a.png`)
  t.equal(absoluteUrl('///files/a.png', PUBLIC), `${PUBLIC}/files/a.png`, 'leading slashes are not doubled')
  t.equal(absoluteUrl('', PUBLIC), '')
  for (const kept of ['http://x/y', 'HTTPS://x/y', 'data:image/png;base64,xx', 'ftp://x']) t.equal(absoluteUrl(kept, PUBLIC), kept, `${kept} has a scheme`)
  t.equal(documentedPath('files/avatars/a.png', LEGACY_PATHS), 'upload/images/userPhoto/a.png')
  t.equal(documentedPath('files/covers/a.png', LEGACY_PATHS), 'files/covers/a.png', '000/001 print no covers')
  t.equal(documentedPath('files/avatars/a.png', FACADE_PATHS), 'media/avatar/a.png')
  t.equal(documentedPath('files/covers/a.png', FACADE_PATHS), 'media/group/a.png')
  t.equal(documentedPath('x/files/avatars/a.png', FACADE_PATHS), 'x/files/avatars/a.png', 'only at the start')
  t.equal(documentedPath('https://cdn/files/avatars/a.png', FACADE_PATHS), 'https://cdn/files/avatars/a.png')
})
