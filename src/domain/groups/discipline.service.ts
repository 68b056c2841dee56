// Group discipline: the whole group banned (ban_all), members banned for a while, users on the group's blocklist.
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { INT4_MAX, parseCursor } from '../paging.ts'
import type { AccountsService } from '../accounts/accounts.service.ts'
import type { Db } from '../../platform/db.ts'
import { bannedPage, blockedPage, deleteBlocks, deleteMembers, findMembers, insertBlocks, updateGroupRow, updateMembers } from './groups.repository.ts'
import { cannotManage, openGroup, requireAdmin, requireMember, toPage } from './groups.rules.ts'
import type { Blocked, Group, ItemResult, Member, Page } from './groups.types.ts'
import { eachMember } from './member-changes.ts'
import { epochSeconds } from '../time.ts'
import { tellGroup } from './group-notices.ts'
import type { NoticesService } from '../notices/notices.service.ts'
import type { NoticeLog } from '../notices/notices.types.ts'

export class GroupDisciplineService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountsService,
    private readonly notices: NoticesService,
  ) {}

  /** One transaction; the notices recorded in it are announced once it commits. */
  private tx<T>(fn: (trx: Db, notices: NoticeLog) => Promise<T>): Promise<T> {
    return this.notices.transaction(fn)
  }

  /** ban_all on or off, as the SDK merges it into the group it caches. */
  private banAllChanged(trx: Db, notices: NoticeLog, group: Group, actorId: number | null, expire: number): Promise<void> {
    const content = JSON.stringify({ property: 'ban_expire_time', ban_expire_time: expire })
    return tellGroup(trx, notices, group, 'INFO_UPDATED', actorId, { members: 'members' }, { content })
  }

  private open(db: Db, actor: Actor, groupId: number, options: { lock?: boolean } = {}) {
    return openGroup(db, actor, groupId, options)
  }

  /** Only admins may send while the whole group is banned; `minutes` -1 bans until lifted. Returns ban_expire_time (s). */
  async banAll(actor: Actor, groupId: number, minutes: number): Promise<number> {
    if (minutes !== -1 && minutes < 1) throw new DomainError('BAD_PARAMETER', 'duration must be a number of minutes ≥ 1, or -1 for no end')
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const expire = minutes === -1 ? -1 : epochSeconds(this.ctx.now()) + minutes * 60
      await updateGroupRow(trx, group.id, { ban_expire_time: expire })
      await this.banAllChanged(trx, notices, group, acting.userId, expire)
      return expire
    })
  }

  async unbanAll(actor: Actor, groupId: number): Promise<void> {
    await this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      await updateGroupRow(trx, group.id, { ban_expire_time: 0 })
      await this.banAllChanged(trx, notices, group, acting.userId, 0)
    })
  }

  /** Bans members for `minutes` (semantics §5); stored as the epoch second the ban ends. */
  async ban(actor: Actor, groupId: number, userIds: number[], minutes: number): Promise<ItemResult[]> {
    if (!Number.isInteger(minutes) || minutes < 1) throw new DomainError('BAD_PARAMETER', 'duration must be a number of minutes ≥ 1')
    const until = epochSeconds(this.ctx.now()) + minutes * 60
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      return eachMember(trx, group, acting, userIds, false, async (ids) => {
        await updateMembers(trx, group.id, ids, { ban_expire: until })
        if (ids.length > 0) await tellGroup(trx, notices, group, 'BANNED', acting.userId, { members: 'members' }, { subjects: ids, content: String(minutes) })
      })
    })
  }

  async unban(actor: Actor, groupId: number, userIds: number[]): Promise<ItemResult[]> {
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const members = await findMembers(trx, group.id, [...new Set(userIds)])
      const results = [...new Set(userIds)].map((id): ItemResult =>
        members.has(id) ? { id, result: 'success', reason: '' } : { id, result: 'fail', reason: 'not a member of the group' },
      )
      const unbanned = results.filter((r) => r.result === 'success').map((r) => r.id)
      await updateMembers(trx, group.id, unbanned, { ban_expire: 0 })
      if (unbanned.length > 0) await tellGroup(trx, notices, group, 'UNBANNED', acting.userId, { members: 'members' }, { subjects: unbanned })
      return results
    })
  }

  async banned(actor: Actor, groupId: number, cursor: string | undefined, limit: number): Promise<Page<Member>> {
    const after = parseCursor(cursor) ?? 0
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireMember(acting, group)
    const { rows, total } = await bannedPage(this.ctx.db, group.id, epochSeconds(this.ctx.now()), after, limit)
    return toPage(rows, limit, total, (m) => m.seq)
  }

  /** Blocks users (members are removed from the group): they cannot apply, be invited or join until unblocked. */
  async block(actor: Actor, groupId: number, userIds: number[]): Promise<ItemResult[]> {
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const ids = [...new Set(userIds)]
      const [members, users] = await Promise.all([findMembers(trx, group.id, ids), this.accounts.groupInviteesIn(trx, actor.appId, ids)])
      const results = ids.map((id): ItemResult => {
        if (!users.has(id)) return { id, result: 'fail', reason: 'user does not exist' }
        const member = members.get(id)
        const refusal = member ? cannotManage(acting, member.role) : null
        return refusal ? { id, result: 'fail', reason: refusal } : { id, result: 'success', reason: '' }
      })
      const blocked = results.filter((r) => r.result === 'success').map((r) => r.id)
      await insertBlocks(trx, group.id, blocked)
      await deleteMembers(
        trx,
        group.id,
        blocked.filter((id) => members.has(id)),
      )
      if (blocked.length > 0) await tellGroup(trx, notices, group, 'BLOCKED', acting.userId, { members: 'members', users: blocked }, { subjects: blocked })
      return results
    })
  }

  async unblock(actor: Actor, groupId: number, userIds: number[]): Promise<ItemResult[]> {
    return this.tx(async (trx, notices) => {
      const { group, acting } = await this.open(trx, actor, groupId, { lock: true })
      requireAdmin(acting, group)
      const ids = [...new Set(userIds)]
      const removed = new Set(await deleteBlocks(trx, group.id, ids))
      const unblocked = [...removed]
      if (unblocked.length > 0)
        await tellGroup(trx, notices, group, 'UNBLOCKED', acting.userId, { members: 'admins', users: unblocked }, { subjects: unblocked })
      return ids.map((id): ItemResult => (removed.has(id) ? { id, result: 'success', reason: '' } : { id, result: 'fail', reason: 'not in the blacklist' }))
    })
  }

  async blocked(actor: Actor, groupId: number, cursor: string | undefined, limit: number): Promise<Page<Blocked>> {
    // This list pages by user id, an int4 column.
    const after = parseCursor(cursor, INT4_MAX) ?? 0
    const { group, acting } = await this.open(this.ctx.db, actor, groupId)
    requireAdmin(acting, group)
    const { rows, total } = await blockedPage(this.ctx.db, group.id, after, limit)
    return toPage(rows, limit, total, (b) => b.userId)
  }
}
