// How users get into a group: applications under apply_approval, invitations under member_invite and group_confirm,
// signed QR codes, the legacy direct join and the facade's friend add and face-to-face code.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { parseCursor } from '../paging.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import type { Db } from '../../platform/db.ts'
import { blockedAmong, joinedGroupCounts, findMember, findMembers, insertMembers, shareAnotherGroup } from './groups.repository.ts'
import {
  applicationPage,
  findApplication,
  findInvitation,
  invitationPage,
  findQrKey,
  qrKey,
  setApplicationStatus,
  setInvitationStatus,
  upsertApplication,
  upsertInvitation,
} from './admission.repository.ts'
import {
  actingIn,
  liveGroup,
  MAX_GROUPS_JOINED_PER_USER,
  PENDING_TTL_MS,
  refuseBlocked,
  refuseFull,
  refuseTooManyJoined,
  requireAdmin,
  requireMember,
  self,
  toPage,
} from './groups.rules.ts'
import { currentGroupId } from './renumbered.repository.ts'
import type { Admission, Application, Group, Invitation, ItemResult, Page } from './groups.types.ts'
import { tellGroup, tellInvitations } from './group-notices.ts'
import type { NoticesService } from '../notices/notices.service.ts'
import type { NoticeLog } from '../notices/notices.types.ts'

/** QR codes are valid this long after signing. */
const QR_TTL_MS = 7 * 24 * 3600 * 1000

/**
 * Wrong face-to-face codes one user may try on one group within a window; after that every try, even the
 * right code, is refused until the window ends (counted in the shared kv store, so across processes).
 */
export const FACE_CODE_TRIES = 5
export const FACE_CODE_WINDOW_SECONDS = 600

/** Whether a face-to-face code matches the group's, in time that does not depend on where they differ. */
function faceCodeMatches(groupCode: string, given: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(groupCode), digest(given)) && groupCode !== ''
}

/** Whether two users are friends: the roster's answer, injected so groups do not depend on the roster's tables. */
/** Asked inside the admitting transaction: `db` is that transaction. */
export type AreFriends = (appId: string, userId: number, otherId: number, db: Db) => Promise<boolean>

/**
 * Invites `userIds` into the group in the inviter's name: each joins at once, or — when its
 * group_confirm setting asks for it — gets a pending invitation. One result per user; `reason` is
 * 'joined' or 'pending' on success.
 */
export async function inviteInto(
  trx: Db,
  group: Group,
  inviterId: number | null,
  userIds: number[],
  reason: string,
  users: Map<number, { groupConfirm: boolean }>,
  now: number,
): Promise<ItemResult[]> {
  const ids = [...new Set(userIds)]
  const [members, blocked, joined] = await Promise.all([findMembers(trx, group.id, ids), blockedAmong(trx, group.id, ids), joinedGroupCounts(trx, ids)])
  const joining: number[] = []
  const results: ItemResult[] = []
  for (const id of ids) {
    const user = users.get(id)
    if (!user) results.push({ id, result: 'fail', reason: 'user does not exist' })
    else if (members.has(id)) results.push({ id, result: 'fail', reason: 'already a member' })
    else if (blocked.has(id)) results.push({ id, result: 'fail', reason: "in the group's blacklist" })
    else if ((joined.get(id) ?? 0) >= MAX_GROUPS_JOINED_PER_USER) results.push({ id, result: 'fail', reason: 'quota exceeded: groups joined per user' })
    else if (user.groupConfirm) {
      await upsertInvitation(trx, group.id, inviterId, id, reason, new Date(now + PENDING_TTL_MS))
      results.push({ id, result: 'success', reason: 'pending' })
    } else {
      joining.push(id)
      results.push({ id, result: 'success', reason: 'joined' })
    }
  }
  refuseFull(group, joining.length)
  await insertMembers(
    trx,
    group.id,
    joining.map((userId) => ({ userId })),
  )
  return results
}

export class AdmissionService {
  /** QR signing keys by app: created once, never changed, so a process may keep them. */
  readonly #qrKeys = new Map<string, string>()

  constructor(
    private readonly ctx: DomainContext,
    private readonly areFriends: AreFriends,
    private readonly accounts: AccountsService,
    private readonly notices: NoticesService,
  ) {}

  /** One transaction; the notices recorded in it are announced once it commits. */
  private tx<T>(fn: (trx: Db, notices: NoticeLog) => Promise<T>): Promise<T> {
    return this.notices.transaction(fn)
  }

  /** admit, then JOINED in the new member's name to the members (the new one included). */
  private async join(trx: Db, notices: NoticeLog, group: Group, userId: number): Promise<void> {
    await this.admit(trx, group, userId)
    await tellGroup(trx, notices, group, 'JOINED', userId, { members: 'members' })
  }

  /** Adds one user at once, after the checks every way in shares: not a member, not blocked, room left. */
  private async admit(trx: Db, group: Group, userId: number): Promise<void> {
    if (await findMember(trx, group.id, userId)) throw new DomainError('ALREADY_MEMBER', `user ${userId} is already a member of group ${group.id}`)
    await refuseBlocked(trx, group, userId)
    refuseFull(group, 1)
    await refuseTooManyJoined(trx, userId)
    await insertMembers(trx, group.id, [{ userId }])
  }

  /** apply_approval 0 admits at once, 1 waits for an admin, 2 refuses (REST apply, legacy joinGroup). */
  async apply(actor: Actor, groupId: number, reason: string): Promise<Admission> {
    const userId = self(actor)
    return this.tx(async (trx, notices) => {
      const group = await liveGroup(trx, actor.appId, groupId, { lock: true })
      if (await findMember(trx, group.id, userId)) throw new DomainError('ALREADY_MEMBER', `you are already a member of group ${group.id}`)
      await refuseBlocked(trx, group, userId)
      if (group.applyApproval === 2) throw new DomainError('NO_PERMISSION', `group ${group.id} refuses every application`, { zh: '该群不接受入群申请' })
      if (group.applyApproval === 0) {
        await this.join(trx, notices, group, userId)
        await upsertApplication(trx, group.id, userId, reason, new Date(this.ctx.now()), 1)
        return 'joined'
      }
      await upsertApplication(trx, group.id, userId, reason, new Date(this.ctx.now() + PENDING_TTL_MS))
      await tellGroup(trx, notices, group, 'APPLYED', userId, { members: 'admins' }, { content: reason })
      return 'pending'
    })
  }

  async handleApplication(actor: Actor, groupId: number, applicantId: number, approval: boolean): Promise<void> {
    await this.tx(async (trx, notices) => {
      const group = await liveGroup(trx, actor.appId, groupId, { lock: true })
      const acting = await actingIn(trx, actor, group)
      requireAdmin(acting, group)
      const application = await findApplication(trx, group.id, applicantId)
      if (!application || application.status !== 0 || application.expiresAt <= this.ctx.now()) {
        throw new DomainError('APPLICATION_HANDLED', `no pending application of user ${applicantId} to group ${group.id}`)
      }
      if (approval) await this.join(trx, notices, group, applicantId)
      await setApplicationStatus(trx, application.id, approval ? 1 : 2)
      const type = approval ? 'APPLY_ACCEPTED' : 'APPLY_DECLINED'
      await tellGroup(trx, notices, group, type, acting.userId, { members: 'admins', users: [applicantId] }, { subjects: [applicantId] })
    })
  }

  /** Applications to the listed groups, all of which the actor must administer. */
  async applications(actor: Actor, groupIds: number[], cursor: string | undefined, limit: number): Promise<Page<Application>> {
    const after = parseCursor(cursor) ?? 0
    const ids = [...new Set(groupIds)]
    if (ids.length === 0) throw new DomainError('BAD_PARAMETER', 'group_list must name at least one group')
    for (const id of ids) {
      const group = await liveGroup(this.ctx.db, actor.appId, id)
      requireAdmin(await actingIn(this.ctx.db, actor, group), group)
    }
    const { rows, total } = await applicationPage(this.ctx.db, ids, after, limit)
    return toPage(rows, limit, total, (a) => a.id)
  }

  /** Members invite while member_invite is on; admins always. */
  async invite(actor: Actor, groupId: number, userIds: number[], reason: string): Promise<ItemResult[]> {
    return this.tx(async (trx, notices) => {
      const group = await liveGroup(trx, actor.appId, groupId, { lock: true })
      const acting = await actingIn(trx, actor, group)
      requireMember(acting, group)
      if (acting.role === 'member' && !group.memberInvite) {
        throw new DomainError('NEED_ADMIN', `member_invite is off in group ${group.id}: only the owner and admins may invite`)
      }
      const users = await this.accounts.groupInviteesIn(trx, actor.appId, userIds)
      const results = await inviteInto(trx, group, acting.userId, userIds, reason, users, this.ctx.now())
      await tellInvitations(trx, notices, group, acting.userId, results, true)
      return results
    })
  }

  /** The invitee accepts or declines; `inviterId`, when given, must be who invited. */
  async handleInvitation(actor: Actor, groupId: number, inviterId: number | undefined, approval: boolean): Promise<void> {
    const userId = self(actor)
    await this.tx(async (trx, notices) => {
      const group = await liveGroup(trx, actor.appId, groupId, { lock: true })
      const invitation = await findInvitation(trx, group.id, userId)
      if (!invitation || invitation.status !== 0 || invitation.expiresAt <= this.ctx.now() || (inviterId !== undefined && invitation.inviterId !== inviterId)) {
        throw new DomainError('INVITATION_HANDLED', `no pending invitation to group ${group.id}${inviterId !== undefined ? ` from user ${inviterId}` : ''}`)
      }
      if (approval) await this.admit(trx, group, userId)
      await setInvitationStatus(trx, invitation.id, approval ? 1 : 2)
      // Accepted: the members (now with the invitee) and the inviter; declined: the inviter only (and the invitee's other devices).
      const inviter = invitation.inviterId === null ? [] : [invitation.inviterId]
      if (approval) await tellGroup(trx, notices, group, 'INVITE_ACCEPTED', userId, { members: 'members', users: inviter })
      else await tellGroup(trx, notices, group, 'INVITE_DECLINED', userId, { users: [...inviter, userId] })
    })
  }

  async invitations(actor: Actor, cursor: string | undefined, limit: number): Promise<Page<Invitation>> {
    const after = parseCursor(cursor) ?? 0
    const { rows, total } = await invitationPage(this.ctx.db, actor.appId, self(actor), after, limit)
    return toPage(rows, limit, total, (i) => i.id)
  }

  /** A signed invitation anyone who scans it may use until it expires; signing needs the right to invite. */
  async signQr(actor: Actor, groupId: number): Promise<{ qrInfo: string; createdAt: number; expiresAt: number }> {
    const group = await liveGroup(this.ctx.db, actor.appId, groupId)
    const acting = await actingIn(this.ctx.db, actor, group)
    requireMember(acting, group)
    if (acting.role === 'member' && !group.memberInvite) {
      throw new DomainError('NEED_ADMIN', `member_invite is off in group ${group.id}: only the owner and admins may invite`)
    }
    const createdAt = this.ctx.now()
    const expiresAt = createdAt + QR_TTL_MS
    const payload = Buffer.from(JSON.stringify({ g: group.id, u: acting.userId, e: expiresAt })).toString('base64url')
    return { qrInfo: `${payload}.${await this.qrSignature(actor.appId, payload, true)}`, createdAt, expiresAt }
  }

  async joinByQr(actor: Actor, qrInfo: string): Promise<Group> {
    const userId = self(actor)
    const [payload, signature] = qrInfo.split('.')
    // Checking a code never creates the app's key: with none, nothing was ever signed.
    const signed = payload ? await this.qrSignature(actor.appId, payload, false) : undefined
    const expected = signed === undefined ? undefined : Buffer.from(signed)
    const given = Buffer.from(signature ?? '')
    if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new DomainError('QR_INVALID', 'qr_info is not a QR code this service signed')
    }
    const { g, u, e } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { g: number; u: number | null; e: number }
    if (e <= this.ctx.now()) throw new DomainError('QR_EXPIRED', 'the QR code has expired; ask for a new one')
    // A code signed before migration 0010 may name the number its group had then.
    const groupId = await currentGroupId(this.ctx.db, actor.appId, g)
    return this.tx(async (trx, notices) => {
      const group = await liveGroup(trx, actor.appId, groupId, { lock: true })
      // A QR code stops working when whoever signed it leaves the group.
      if (u !== null && !(await findMember(trx, group.id, u))) throw new DomainError('QR_INVALID', 'whoever shared this QR code is no longer a member')
      await this.join(trx, notices, group, userId)
      return group
    })
  }

  /**
   * Facade join/: a member adds someone from its address book, at once. An app that speaks only the facade
   * cannot make friends, so the address book (003 "通讯录") is the caller's friends and the members of the
   * caller's other live groups; anyone else is refused.
   */
  async addFriend(actor: Actor, groupId: number, userId: number): Promise<void> {
    const callerId = self(actor)
    await this.tx(async (trx, notices) => {
      const group = await liveGroup(trx, actor.appId, groupId, { lock: true })
      requireMember(await actingIn(trx, actor, group), group)
      if (!(await this.accounts.groupInviteesIn(trx, actor.appId, [userId])).has(userId))
        throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
      const known =
        userId !== callerId && ((await this.areFriends(actor.appId, callerId, userId, trx)) || (await shareAnotherGroup(trx, callerId, userId, group.id)))
      if (!known) {
        throw new DomainError('NO_PERMISSION', `user ${userId} is neither your friend nor a member of another of your groups`, {
          zh: '只能拉通讯录中的好友或同群成员入群',
        })
      }
      await this.join(trx, notices, group, userId)
    })
  }

  /**
   * Facade invite/: the caller joins by the group's face-to-face code. FACE_CODE_TRIES wrong codes per user
   * and group within a FACE_CODE_WINDOW_SECONDS window; after that RATE_LIMITED until the window ends.
   */
  async joinByCode(actor: Actor, groupId: number, code: string): Promise<Group> {
    const userId = self(actor)
    const now = this.ctx.now()
    const window = Math.floor(now / (FACE_CODE_WINDOW_SECONDS * 1000))
    const key = `face-code-failures:${actor.appId}:${groupId}:${userId}:${window}`
    const retryAfterSeconds = Math.ceil(((window + 1) * FACE_CODE_WINDOW_SECONDS * 1000 - now) / 1000)
    if (Number((await this.ctx.kv.get(key)) ?? 0) >= FACE_CODE_TRIES) {
      throw new DomainError('RATE_LIMITED', `too many wrong face-to-face codes; try again in ${retryAfterSeconds} s`, { retryAfterSeconds })
    }
    const group = await liveGroup(this.ctx.db, actor.appId, groupId)
    if (!faceCodeMatches(group.code, code)) {
      await this.ctx.kv.incr(key, FACE_CODE_WINDOW_SECONDS)
      throw new DomainError('FACE_CODE_MISMATCH')
    }
    return this.tx(async (trx, notices) => {
      const locked = await liveGroup(trx, actor.appId, groupId, { lock: true })
      await this.join(trx, notices, locked, userId)
      return locked
    })
  }

  private async qrSignature<Create extends boolean>(
    appId: string,
    payload: string,
    create: Create,
  ): Promise<Create extends true ? string : string | undefined> {
    let secret = this.#qrKeys.get(appId)
    if (secret === undefined) {
      secret = create ? await qrKey(this.ctx.db, appId, randomBytes(32).toString('hex')) : await findQrKey(this.ctx.db, appId)
      if (secret === undefined) return undefined as never
      this.#qrKeys.set(appId, secret)
    }
    return createHmac('sha256', secret).update(`${appId}:${payload}`).digest('base64url')
  }
}
