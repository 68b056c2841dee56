// A group that hides member info (MaxIM's hide_member_info): ordinary members see the others' ids only; the owner and admins see all.
import type { Group, Member, MemberWithUser } from './groups.types.ts'
import type { Acting } from './groups.rules.ts'

/** Whether `acting` sees the other members' names, cards and avatars in `group`. */
export function seesMemberInfo(group: Group, acting: Acting): boolean {
  // The app admin (no user of its own) and the group's owner and admins always do.
  return !group.hideMemberInfo || acting.userId === null || acting.role === 'owner' || acting.role === 'admin'
}

/** The member as the viewer may see it: another member's group card goes when the group hides member info. */
export function shownMember<M extends Member>(group: Group, acting: Acting, member: M): M {
  if (seesMemberInfo(group, acting) || member.userId === acting.userId) return member
  return { ...member, displayName: '' }
}

/** A member with its account as the viewer may see it: only the id (and the role) of another member when the group hides member info. */
export function shownMemberWithUser(group: Group, acting: Acting, member: MemberWithUser): MemberWithUser {
  if (seesMemberInfo(group, acting) || member.userId === acting.userId) return member
  const { user } = member
  return {
    ...member,
    displayName: '',
    user: {
      ...user,
      username: null,
      mobile: null,
      mobileUnverified: null,
      email: null,
      nickName: '',
      avatar: '',
      description: '',
      publicInfo: '',
      privateInfo: '',
      profile: {},
    },
  }
}
