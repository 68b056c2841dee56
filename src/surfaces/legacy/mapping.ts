// Legacy ⇄ domain fields (semantics §6): the userVO every legacy user response prints, groups and their members.
import { displayMobile } from '../../domain/accounts/mobile.ts'
import { Type } from 'typebox'
import type { User } from '../../domain/accounts/accounts.types.ts'
import type { Group, GroupRole, MemberWithUser } from '../../domain/groups/groups.types.ts'
import { DomainError } from '../../domain/errors.ts'
import { absoluteUrl, documentedPath, LEGACY_PATHS } from '../shared/urls.ts'

const S = (description: string) => Type.String({ description })

/** userVO as 001 prints it: userId a number, every other field a string. */
export const UserVO = Type.Object({
  userId: Type.Integer({ description: '用户ID' }),
  sex: S('性别 1男 2女'),
  age: S('年龄'),
  phoneNumber: S('电话号码'),
  country: S('国家'),
  province: S('省份'),
  city: S('城市'),
  district: S('区县'),
  street: S('街道'),
  company: S('所在公司'),
  occupation: S('行业'),
  role: S('职务'),
  degrees: S('学历'),
  school: S('毕业院校'),
  nickName: S('昵称'),
  userPhoto: S('用户头像'),
  signature: S('个性签名'),
})

/**
 * `photo` is 'absolute' in 001 (login, readUser) and 'relative' in 000 (group member lists); an uploaded photo
 * shows at the path the documents print (`upload/images/userPhoto/…`), where it is also served.
 */
export function renderUserVO(user: User, options: { publicUrl: string; showMobile: boolean; photo?: 'absolute' | 'relative' }) {
  const p = user.profile
  const photo = documentedPath(user.avatar, LEGACY_PATHS)
  return {
    userId: user.id,
    sex: p.sex ?? '',
    age: p.age ?? '',
    phoneNumber: options.showMobile ? (displayMobile(user.mobile) ?? '') : '',
    country: p.country ?? '',
    province: p.province ?? '',
    city: p.city ?? '',
    district: p.district ?? '',
    street: p.street ?? '',
    company: p.company ?? '',
    occupation: p.occupation ?? '',
    role: p.role ?? '',
    degrees: p.degrees ?? '',
    school: p.school ?? '',
    nickName: user.nickName,
    userPhoto: options.photo === 'relative' ? photo : absoluteUrl(photo, options.publicUrl),
    signature: p.signature ?? '',
  }
}

/** A group as 000 prints it (groupList items and groupInfo): every value a string. */
export const GroupVO = Type.Object({
  groupId: S('群ID'),
  projectName: S('项目名称'),
  groupName: S('群名称'),
  type: S('1项目群 2 股东群'),
  introduction: S('群介绍'),
  notice: S('群公告内容（最新一条公告）'),
  creator_id: S('创建人ID（群主）'),
})

export function renderGroupVO(group: Group, notice: string) {
  return {
    groupId: String(group.id),
    projectName: group.projectName,
    groupName: group.name,
    type: String(group.groupType),
    introduction: group.description,
    notice,
    creator_id: String(group.ownerId),
  }
}

const USER_TYPE: Record<GroupRole, string> = { owner: '1', admin: '2', member: '3' }

/** A member in getGroupDetail's userList: the userVO fields, then user_type and show_name. */
export const GroupMemberVO = Type.Object({
  ...UserVO.properties,
  user_type: S('用户类别1群主2管理员3普通成员'),
  show_name: S('群中显示名称'),
})

export function renderGroupMemberVO(member: MemberWithUser, publicUrl: string) {
  return {
    // The domain left the mobile out where the viewer is not a fellow member.
    ...renderUserVO(member.user, { publicUrl, showMobile: true, photo: 'relative' }),
    user_type: USER_TYPE[member.role],
    show_name: member.displayName,
  }
}

/** The name a member goes by in messages about it: its group card, else its nickname, username or mobile. */
export function memberName(member: { displayName: string }, user: User): string {
  return member.displayName || user.nickName || user.username || displayMobile(user.mobile) || String(user.id)
}

/** messageRemainMode 1 receive and notify / 2 receive silently ⇄ msg_mute_mode 0 / 1 (semantics §6). */
export function muteModeOf(messageRemainMode: string): number {
  if (messageRemainMode === '1') return 0
  if (messageRemainMode === '2') return 1
  throw new DomainError('BAD_PARAMETER', 'messageRemainMode must be 1 (receive and notify) or 2 (receive silently)', {
    zh: 'messageRemainMode 只能是 1（接收并提示）或 2（接收不提示）',
  })
}
