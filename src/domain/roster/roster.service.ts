// Friend use cases shared by every surface: applications and verification modes, friendship, blacklist, roster lists and searches.
import { normalizeMobile } from '../accounts/mobile.ts'
import { DomainError } from '../errors.ts'
import type { Actor, UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import type { Db } from '../../platform/db.ts'
import type { RosterApplicationRow } from '../../platform/tables.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import type { NoticesService } from '../notices/notices.service.ts'
import type { NoticeLog, RosterNoticeType } from '../notices/notices.types.ts'
import { INT4_MAX, pageOf, parseCursor } from '../paging.ts'
import {
  acceptPendingBetween,
  applicationsBefore,
  areFriends,
  blockedIds,
  bumpVersions,
  findLivePending,
  forgetUser,
  friendIdsAfter,
  hasLiveDecline,
  insertAccepted,
  isBlocked,
  lockPair,
  readVersion,
  rosterEntries,
  setApplicationStatus,
  setBlocked,
  setRelation,
  toApplication,
  updateFriendExt,
  upsertFriendRecords,
  upsertPending,
  type UserFilter,
} from './roster.repository.ts'
import {
  APPLICATION_TTL_MS,
  ApplicationStatus,
  Relation,
  type BatchResult,
  type ExtUpdate,
  type FriendApplication,
  type Page,
  type RosterEntry,
} from './roster.types.ts'

/** Target auth_mode (semantics §5). */
const AuthMode = { ANYONE: 0, APPROVAL: 1, QUESTION: 2, NOBODY: 3 } as const

export interface Application {
  userId: number
  reason?: string
  alias?: string
  authAnswer?: string
}

export interface PageRequest {
  cursor?: string
  limit: number
}

/** Answers compare without surrounding spaces and case: "Paris" answers "paris ". */
function sameAnswer(given: string, expected: string): boolean {
  return given.trim().toLocaleLowerCase() === expected.trim().toLocaleLowerCase()
}

/** Roster operations name another user: oneself is a bad parameter. */
function notSelf(actor: UserActor, userId: number): void {
  if (userId === actor.userId) throw new DomainError('BAD_PARAMETER', 'user_id is yourself: name another user')
}

/** A roster notice from `actorId` about `otherId`, to both users (or to `users`). */
function tellPair(notices: NoticeLog, appId: string, type: RosterNoticeType, actorId: number, otherId: number, content = '', users = [actorId, otherId]) {
  return notices.record({ appId, kind: 'roster', type, actorId, subjectIds: [otherId], content }, { users })
}

export class RosterService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountsService,
    private readonly notices: NoticesService,
  ) {}

  /** One transaction; the notices recorded in it are announced once it commits. */
  private tx<T>(fn: (trx: Db, notices: NoticeLog) => Promise<T>): Promise<T> {
    return this.notices.transaction(fn)
  }

  // ---- for other features (groups' facade join rule, messaging, closing an account) ----

  /** Inside the caller's transaction: a closed account's friendships (both ways) and applications (sent and received) go. */
  async forgetUserIn(trx: Db, userId: number): Promise<void> {
    const others = await forgetUser(trx, userId)
    await bumpVersions(trx, 'roster_version', others)
    await bumpVersions(trx, 'apply_version', others)
  }

  /** True when the two users are friends (both records say so). */
  async areFriends(appId: string, userA: number, userB: number): Promise<boolean> {
    return this.areFriendsIn(this.ctx.db, appId, userA, userB)
  }

  /** areFriends asked from inside the caller's transaction `trx`. */
  async areFriendsIn(trx: Db, appId: string, userA: number, userB: number): Promise<boolean> {
    if (userA === userB) return false
    return areFriends(trx, appId, userA, userB)
  }

  /** True unless `to` has `from` in its blacklist; false when either user is not in the app. */
  async mayMessage(appId: string, from: number, to: number): Promise<boolean> {
    const db = this.ctx.db
    const [sender, recipient] = await Promise.all([this.accounts.userIn(db, appId, from), this.accounts.userIn(db, appId, to)])
    if (!sender || !recipient) return false
    return !(await isBlocked(db, to, from))
  }

  /**
   * mayMessage for two users the caller knows to be in the app (a send has checked both): the blacklist
   * alone, one lookup, which is what a send pays for the rule.
   */
  async accepts(to: number, from: number): Promise<boolean> {
    return !(await isBlocked(this.ctx.db, to, from))
  }

  // ---- applications ----

  /**
   * The actor asks `input.userId` to be friends. The target's auth_mode decides: 0 friends at once,
   * 1 a pending application (applying again updates it), 2 friends at once with the right answer,
   * 3 refused. A pending application the other way round is answered by this one: friends at once.
   */
  async apply(actor: UserActor, input: Application): Promise<void> {
    const me = actor.userId
    const target = input.userId
    notSelf(actor, target)
    await this.tx(async (trx, notices) => {
      await this.requireUser(trx, actor.appId, target)
      await lockPair(trx, me, target)
      await this.refuseBlocked(trx, me, target)
      if (await areFriends(trx, actor.appId, me, target)) throw new DomainError('ALREADY_FRIEND', `user ${target} is already your friend`)
      const now = new Date(this.ctx.now())
      const expiresAt = new Date(now.getTime() + APPLICATION_TTL_MS)
      const reason = input.reason ?? ''
      const alias = input.alias ?? ''

      if (await findLivePending(trx, target, me, now)) {
        await this.befriend(trx, notices, actor.appId, me, target, alias, now)
        return
      }
      const settings = await this.accounts.friendPolicyIn(trx, target)
      const mode = settings?.authMode ?? AuthMode.ANYONE
      if (mode === AuthMode.NOBODY) throw new DomainError('FRIEND_APPLICATION_DECLINED', `user ${target} refuses every friend application`)
      if (mode === AuthMode.QUESTION && !sameAnswer(input.authAnswer ?? '', settings?.authAnswer ?? '')) {
        throw new DomainError('FRIEND_APPLICATION_DECLINED', `wrong auth_answer to user ${target}'s question`)
      }
      if (mode === AuthMode.APPROVAL) {
        if (await hasLiveDecline(trx, me, target, now)) {
          throw new DomainError('FRIEND_APPLICATION_DECLINED', `user ${target} declined your application; you may apply again once it has expired`)
        }
        await upsertPending(trx, { appId: actor.appId, applicantId: me, targetId: target, reason: input.reason, alias: input.alias, now, expiresAt })
        await bumpVersions(trx, 'apply_version', [me, target])
        await tellPair(notices, actor.appId, 'APPLIED', me, target, reason)
        return
      }
      await insertAccepted(trx, actor.appId, [{ applicantId: me, targetId: target, reason, alias }], now, expiresAt)
      await this.befriend(trx, notices, actor.appId, me, target, alias, now)
    })
  }

  /**
   * The app admin, acting as a user (header user_id), makes that user friends with each of `userIds`
   * at once, whatever their auth_mode; refusals are listed per user instead of failing the batch.
   */
  async applyBatch(actor: Actor, input: { userIds: number[]; reason?: string; alias?: string }): Promise<BatchResult> {
    if (!actor.isAdmin) throw new DomainError('NO_PERMISSION', 'this operation needs the app admin token')
    const me = actor.userId
    if (me === null) throw new DomainError('BAD_PARAMETER', 'name the user who adds friends in the user_id header')
    if (input.userIds.length === 0) throw new DomainError('BAD_PARAMETER', 'user_id or user_ids must name at least one user')
    const reason = input.reason ?? ''
    const alias = input.alias ?? ''
    return this.tx(async (trx, notices) => {
      const now = new Date(this.ctx.now())
      const result: BatchResult = { success: [], fails: [] }
      const targets = [...new Set(input.userIds)]
      // Pair locks in one order, so two batches over the same users wait for each other instead of deadlocking.
      for (const target of [...targets].sort((a, b) => a - b)) if (target !== me) await lockPair(trx, me, target)
      for (const target of targets) {
        const refusal = await this.batchRefusal(trx, actor.appId, me, target)
        if (refusal) {
          result.fails.push({ userId: target, reason: refusal })
          continue
        }
        result.success.push(target)
      }
      const granted = result.success.map((target) => ({ applicantId: me, targetId: target, reason, alias }))
      await insertAccepted(trx, actor.appId, granted, now, new Date(now.getTime() + APPLICATION_TTL_MS))
      await this.befriend(trx, notices, actor.appId, me, result.success, alias, now)
      return result
    })
  }

  /** The applications the actor received (theirs to decide on), newest first; with `includeSent`, those the actor sent too. */
  async applications(actor: UserActor, page: PageRequest, includeSent = false): Promise<Page<FriendApplication>> {
    const before = parseCursor(page.cursor, INT4_MAX) ?? INT4_MAX
    const rows = await applicationsBefore(this.ctx.db, actor.userId, before, page.limit, includeSent)
    const { items, cursor } = pageOf(rows, page.limit, (row) => row.id)
    const version = await readVersion(this.ctx.db, 'apply_version', actor.userId)
    return { items: items.map(toApplication), cursor, version }
  }

  /** The actor accepts `applicantId`'s pending application: both are friends. */
  async accept(actor: UserActor, applicantId: number): Promise<void> {
    await this.answerApplication(actor, applicantId, async (trx, notices, pending, now) => {
      await this.befriend(trx, undefined, actor.appId, applicantId, actor.userId, pending.alias, now)
      await tellPair(notices, actor.appId, 'ACCEPTED', actor.userId, applicantId)
    })
  }

  /** The actor declines `applicantId`'s pending application; applying again is refused until it expires. */
  async decline(actor: UserActor, applicantId: number, reason: string): Promise<void> {
    await this.answerApplication(actor, applicantId, async (trx, notices, pending, now) => {
      await setApplicationStatus(trx, pending.id, ApplicationStatus.DECLINED, reason, now)
      await bumpVersions(trx, 'apply_version', [applicantId, actor.userId])
      await tellPair(notices, actor.appId, 'DECLINED', actor.userId, applicantId, reason)
    })
  }

  // ---- friendship ----

  /** Ends the friendship for both: the actor's record says deleted friend (1), the other's stranger (2). */
  async remove(actor: UserActor, friendId: number): Promise<void> {
    notSelf(actor, friendId)
    await this.tx(async (trx, notices) => {
      await this.requireUser(trx, actor.appId, friendId)
      await lockPair(trx, actor.userId, friendId)
      if (!(await areFriends(trx, actor.appId, actor.userId, friendId))) throw new DomainError('NOT_FRIEND', `user ${friendId} is not your friend`)
      const now = new Date(this.ctx.now())
      await setRelation(trx, actor.userId, friendId, Relation.DELETED, now)
      await setRelation(trx, friendId, actor.userId, Relation.STRANGER, now)
      await bumpVersions(trx, 'roster_version', [actor.userId, friendId])
      await tellPair(notices, actor.appId, 'REMOVED', actor.userId, friendId)
    })
  }

  /** The actor's alias, ext and notification setting for a friend; only the fields given change. */
  async updateExt(actor: UserActor, friendId: number, update: ExtUpdate): Promise<void> {
    notSelf(actor, friendId)
    await this.tx(async (trx, notices) => {
      await this.requireUser(trx, actor.appId, friendId)
      const updated = await updateFriendExt(trx, actor.userId, friendId, update, new Date(this.ctx.now()))
      if (!updated) throw new DomainError('NOT_FRIEND', `user ${friendId} is not your friend`)
      await bumpVersions(trx, 'roster_version', [actor.userId])
      // The actor's own view of the friend: only the actor's (other) devices hear of it.
      const content = JSON.stringify({ alias: update.alias, ext: update.ext, mute_notification: update.muteNotification })
      await notices.record(
        { appId: actor.appId, kind: 'roster', type: 'INFO_UPDATED', actorId: actor.userId, subjectIds: [friendId], content },
        { users: [actor.userId] },
      )
    })
  }

  /** One page of the actor's friend ids, in id order, with the list's version. */
  async friendIds(actor: UserActor, page: PageRequest): Promise<Page<number>> {
    const after = parseCursor(page.cursor, INT4_MAX) ?? 0
    const rows = await friendIdsAfter(this.ctx.db, actor.userId, after, page.limit)
    const { items, cursor } = pageOf(rows, page.limit, (id) => id)
    const version = await readVersion(this.ctx.db, 'roster_version', actor.userId)
    return { items, cursor, version }
  }

  /** The given users as the actor sees them, in the order asked, unknown ids left out. */
  async details(actor: UserActor, ids: number[]): Promise<RosterEntry[]> {
    const wanted = [...new Set(ids)]
    const found = new Map((await rosterEntries(this.ctx.db, actor.appId, actor.userId, { ids: wanted })).map((e) => [e.userId, e]))
    return wanted.flatMap((id) => found.get(id) ?? [])
  }

  // ---- blacklist ----

  /** Puts a user in the actor's blacklist: it can no longer apply or message the actor; a friendship stays. */
  async block(actor: UserActor, userId: number): Promise<void> {
    await this.setBlock(actor, userId, true)
  }

  async unblock(actor: UserActor, userId: number): Promise<void> {
    await this.setBlock(actor, userId, false)
  }

  async blockedList(actor: UserActor): Promise<number[]> {
    return blockedIds(this.ctx.db, actor.userId)
  }

  // ---- searches and checks ----

  async findById(actor: UserActor, userId: number): Promise<RosterEntry> {
    return this.findOne(actor, { ids: [userId] }, `user ${userId} does not exist`)
  }

  async findByMobile(actor: UserActor, mobile: string): Promise<RosterEntry> {
    return this.findOne(actor, { mobile: normalizeMobile(mobile) }, 'no user has that mobile number')
  }

  async findByUsername(actor: UserActor, username: string): Promise<RosterEntry> {
    return this.findOne(actor, { username }, `no user is named ${JSON.stringify(username)}`)
  }

  /**
   * Whether `userId` (default: the actor) may message `rosterId`. A user asks only about pairs it
   * belongs to; the admin about any pair.
   */
  async mayMessageAs(actor: Actor, input: { userId?: number; rosterId: number }): Promise<boolean> {
    const from = input.userId ?? actor.userId
    if (from === null) throw new DomainError('BAD_PARAMETER', 'user_id is required with the admin token')
    if (!actor.isAdmin && actor.userId !== from && actor.userId !== input.rosterId) {
      throw new DomainError('NO_PERMISSION', 'you may only ask about messages from or to yourself')
    }
    await this.requireUser(this.ctx.db, actor.appId, from)
    await this.requireUser(this.ctx.db, actor.appId, input.rosterId)
    return !(await isBlocked(this.ctx.db, input.rosterId, from))
  }

  // ---- helpers ----

  private async requireUser(db: Db, appId: string, userId: number): Promise<void> {
    if (!(await this.accounts.userIn(db, appId, userId))) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
  }

  /** A blacklist either way stops an application: the target's, and the applicant's own until it unblocks. */
  private async refuseBlocked(db: Db, me: number, other: number): Promise<void> {
    if (await isBlocked(db, other, me)) throw new DomainError('IN_BLACKLIST', `user ${other} has you in its blacklist`)
    if (await isBlocked(db, me, other)) throw new DomainError('IN_BLACKLIST', `user ${other} is in your blacklist; unblock it first`)
  }

  /** Why the admin's batch cannot befriend `target`, or undefined when it can. */
  private async batchRefusal(db: Db, appId: string, me: number, target: number): Promise<string | undefined> {
    if (target === me) return 'cannot befriend oneself'
    if (!(await this.accounts.userIn(db, appId, target))) return 'user does not exist'
    if ((await isBlocked(db, target, me)) || (await isBlocked(db, me, target))) return 'in blacklist'
    if (await areFriends(db, appId, me, target)) return 'already in friend list'
    return undefined
  }

  /**
   * The applicant and each target become friends: both records say friend, pending applications
   * between them are accepted, and every list involved moves on.
   */
  private async befriend(
    db: Db,
    notices: NoticeLog | undefined,
    appId: string,
    applicant: number,
    target: number | number[],
    applicantAlias: string,
    now: Date,
  ): Promise<void> {
    const targets = [target].flat()
    if (targets.length === 0) return
    await upsertFriendRecords(
      db,
      appId,
      targets.flatMap((id) => [
        { userId: applicant, rosterId: id, alias: applicantAlias },
        { userId: id, rosterId: applicant },
      ]),
      now,
    )
    for (const id of targets) await acceptPendingBetween(db, applicant, id, now)
    await bumpVersions(db, 'roster_version', [applicant, ...targets])
    await bumpVersions(db, 'apply_version', [applicant, ...targets])
    // Friends without an answered request: each side hears ADDED in the new friend's name (accept says ACCEPTED instead).
    if (notices) {
      for (const id of targets) {
        await notices.record({ appId, kind: 'roster', type: 'ADDED', actorId: id, subjectIds: [applicant] }, { users: [applicant] })
        await notices.record({ appId, kind: 'roster', type: 'ADDED', actorId: applicant, subjectIds: [id] }, { users: [id] })
      }
    }
  }

  /** Runs `answer` on `applicantId`'s live pending application to the actor, in one transaction. */
  private async answerApplication(
    actor: UserActor,
    applicantId: number,
    answer: (trx: Db, notices: NoticeLog, pending: RosterApplicationRow, now: Date) => Promise<void>,
  ): Promise<void> {
    await this.tx(async (trx, notices) => {
      await this.requireUser(trx, actor.appId, applicantId)
      await lockPair(trx, actor.userId, applicantId)
      const now = new Date(this.ctx.now())
      const pending = await findLivePending(trx, applicantId, actor.userId, now)
      if (!pending) throw new DomainError('FRIEND_APPLICATION_NOT_FOUND', `no pending application from user ${applicantId}, or it has expired`)
      await answer(trx, notices, pending, now)
    })
  }

  private async setBlock(actor: UserActor, userId: number, blocked: boolean): Promise<void> {
    notSelf(actor, userId)
    await this.tx(async (trx, notices) => {
      await this.requireUser(trx, actor.appId, userId)
      await lockPair(trx, actor.userId, userId)
      const changed = await setBlocked(trx, actor.appId, actor.userId, userId, blocked, new Date(this.ctx.now()))
      if (changed) await bumpVersions(trx, 'roster_version', [actor.userId])
      // Only the actor's devices: the blocked user is not told.
      if (changed) await tellPair(notices, actor.appId, blocked ? 'BLOCKED' : 'UNBLOCKED', actor.userId, userId, '', [actor.userId])
    })
  }

  private async findOne(actor: UserActor, filter: UserFilter, notFound: string): Promise<RosterEntry> {
    const [entry] = await rosterEntries(this.ctx.db, actor.appId, actor.userId, filter)
    if (!entry) throw new DomainError('USER_NOT_FOUND', notFound)
    return entry
  }
}
