// Account use cases shared by every surface: register, log in, authenticate, sign out, read a user.
import { randomBytes } from 'node:crypto'
import { DomainError } from '../errors.ts'
import type { Actor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { inTransaction } from '../../platform/transaction.ts'
import type { Db } from '../../platform/db.ts'
import { hashDigest, verifyDigest } from '../../platform/passwords.ts'
import { derivedToken, isTokenFormat, newToken, tokenDigest } from '../../platform/tokens.ts'
import {
  closeUserRow,
  existingUserIds,
  usersWithGroupConfirm,
  findSettings,
  findUserById,
  findUserByLoginName,
  insertUserWithSettings,
  toSettings,
  toUser,
} from './accounts.repository.ts'
import {
  findLiveToken,
  hasAdminToken,
  insertDerivedToken,
  insertToken,
  purgeTokens,
  revokeTokens,
  upsertAdminToken,
  type Revocation,
} from './tokens.repository.ts'
import { deleteDevicesOf, deviceSnOf, upsertDevice } from './devices.repository.ts'
import { removeOpenIds, removeTags, updateSettings } from './settings.repository.ts'
import { platformFromUserAgent } from './platform.ts'
import { checkEmail, checkUsername, resolveLoginName } from './rules.ts'
import { normalizeMobile } from './mobile.ts'
import { LoginThrottle } from './login-throttle.ts'
import { useLoginPassword } from './one-time-secrets.ts'
import { ring, TOKENS_REVOKED_CHANNEL } from '../events.ts'
import type { VerificationService } from './verification.service.ts'
import type { DeviceInfo, IssuedToken, LoginName, User, UserSettings } from './accounts.types.ts'

export interface Registration {
  appId: string
  username?: string
  mobile?: string
  email?: string
  /** Lowercase MD5 hex of the password (semantics §9). */
  passwordDigest: string
  /** A verification code already checked by VerificationService.check, used in the same transaction. */
  codeId?: number
}

export class AccountsService {
  private readonly throttle: LoginThrottle

  constructor(
    private readonly ctx: DomainContext,
    private readonly verification: VerificationService,
  ) {
    this.throttle = new LoginThrottle(ctx.kv, ctx.settings.loginThrottle, ctx.now)
  }

  /** `alsoInTransaction` does more in the registering transaction (a device, an alias): all or nothing. */
  async register(input: Registration, alsoInTransaction?: (trx: Db, userId: number) => Promise<void>): Promise<{ user: User; settings: UserSettings }> {
    if (!input.username && !input.mobile && !input.email) {
      throw new DomainError('BAD_PARAMETER', 'one of username, mobile or email is required')
    }
    if (input.username !== undefined) checkUsername(input.username)
    const mobile = input.mobile === undefined ? null : normalizeMobile(input.mobile)
    if (input.email !== undefined) checkEmail(input.email)
    const passwordHash = await hashDigest(input.passwordDigest)
    const created = await inTransaction(this.ctx.db, async (trx) => {
      const inserted = await insertUserWithSettings(trx, {
        app_id: input.appId,
        username: input.username ?? null,
        mobile,
        email: input.email ?? null,
        password_hash: passwordHash,
      })
      if (!inserted) throw new DomainError('USER_EXISTS', 'a user with that username, mobile or email already exists')
      if (input.codeId !== undefined) await this.verification.consume(trx, input.codeId)
      if (!alsoInTransaction) return inserted
      await alsoInTransaction(trx, inserted.user.id)
      // The extra work may have changed the settings (an alias): answer them as they now are.
      return { user: inserted.user, settings: (await findSettings(trx, inserted.user.id)) ?? inserted.settings }
    })
    return { user: toUser(created.user), settings: toSettings(created.settings, '') }
  }

  /** Admin: registers each `{username, passwordDigest}`; every line answers on its own. */
  async registerMany(actor: Actor, list: Array<{ username: string; passwordDigest: string }>) {
    if (!actor.isAdmin) throw new DomainError('NO_PERMISSION', 'this operation needs the app admin token')
    const results: Array<{ username: string; user_id: number; success: boolean; reason: string }> = []
    for (const item of list) {
      try {
        const { user } = await this.register({ appId: actor.appId, username: item.username, passwordDigest: item.passwordDigest })
        results.push({ username: item.username, user_id: user.id, success: true, reason: '' })
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        results.push({ username: item.username, user_id: 0, success: false, reason: error.message })
      }
    }
    return results
  }

  /**
   * Registers a user of the push SDK together with its device: the device's push token is the
   * one given (or a new one), and the alias is bound in the same transaction.
   */
  async registerPush(input: { appId: string; username: string; passwordDigest: string; device: DeviceInfo; pushToken?: string; alias?: string }) {
    const pushToken = input.pushToken || randomBytes(16).toString('hex')
    const { user, settings } = await this.register(
      { appId: input.appId, username: input.username, passwordDigest: input.passwordDigest },
      async (trx, userId) => {
        await upsertDevice(trx, {
          userId,
          guid: input.device.guid,
          platform: input.device.platform ?? platformFromUserAgent(input.device.userAgent),
          userAgent: input.device.userAgent ?? '',
          pushToken,
        })
        await updateSettings(trx, userId, { push_alias: input.alias ?? '' })
      },
    )
    return { user, settings: { ...settings, pushToken } }
  }

  /**
   * Checks the password and issues a token; the same answer for an unknown user and a wrong
   * password. Failures slow down this account from this client address only (LoginThrottle):
   * a refusal is decided before any password hash is computed.
   */
  async login(input: {
    appId: string
    name: LoginName
    passwordDigest: string
    clientAddress: string
    device?: DeviceInfo
  }): Promise<{ user: User; issued: IssuedToken }> {
    const name = resolveLoginName(input.name)
    const row = await findUserByLoginName(this.ctx.db, input.appId, name)
    // A closed account keeps its username (nobody may take it): say so rather than "wrong password".
    if (row?.deleted_at) throw new DomainError('ACCOUNT_DELETED')
    const turn = await this.throttle.admit(input.appId, row ? `user:${row.id}` : `name:${throttleName(name)}`, input.clientAddress)
    let ok: boolean
    try {
      // Verify against a throwaway hash when there is no user, so timing does not tell who exists.
      ok = await verifyDigest(row?.password_hash ?? UNKNOWN_USER_HASH, input.passwordDigest)
      // Or the one-time password /app/user/info_pwd handed out after an SMS code (used up here).
      if (!ok && row) ok = await useLoginPassword(this.ctx.kv, row.app_id, row.id, input.passwordDigest)
    } catch (error) {
      await turn.abandoned()
      throw error
    }
    if (!row || !row.password_hash || !ok) {
      await turn.failed()
      throw new DomainError('WRONG_CREDENTIALS')
    }
    await turn.succeeded()
    if (row.disabled) throw new DomainError('USER_DISABLED', 'this user is disabled; contact the app administrator')
    const issued = await this.issueToken(row.app_id, row.id, input.device)
    return { user: toUser(row), issued }
  }

  /** A new token for the user, recording the device it is for when one is named. */
  async issueToken(appId: string, userId: number, device?: DeviceInfo): Promise<IssuedToken> {
    const token = newToken()
    const expiresAt = this.ctx.now() + this.ctx.settings.tokenTtlSeconds * 1000
    return inTransaction(this.ctx.db, async (trx) => {
      const deviceRow = device
        ? await upsertDevice(trx, {
            userId,
            guid: device.guid,
            platform: device.platform ?? platformFromUserAgent(device.userAgent),
            userAgent: device.userAgent ?? '',
            pushToken: randomBytes(16).toString('hex'),
          })
        : undefined
      const tokenId = await insertToken(trx, {
        appId,
        kind: 'user',
        userId,
        deviceId: deviceRow?.id ?? null,
        digest: tokenDigest(token),
        client: device?.guid ?? '',
        expiresAt: new Date(expiresAt),
      })
      return {
        token,
        tokenId,
        userId,
        expiresAt,
        device: deviceRow ? { id: deviceRow.id, sn: deviceRow.device_sn, pushToken: deviceRow.push_token } : null,
      }
    })
  }

  /** Resolves a bearer token to who it acts for; refuses malformed, unknown, expired, revoked and disabled. */
  async authenticate(token: string): Promise<Actor> {
    if (!isTokenFormat(token)) throw new DomainError('TOKEN_FORMAT')
    const row = await findLiveToken(this.ctx.db, tokenDigest(token))
    const expiresAt = row?.expires_at?.getTime() ?? null
    if (!row || (expiresAt !== null && expiresAt <= this.ctx.now()) || row.disabled === true || !row.parent_live) {
      throw new DomainError('TOKEN_INVALID')
    }
    return {
      appId: row.app_id,
      userId: row.user_id,
      isAdmin: row.kind === 'admin',
      asGroupAdmin: null,
      tokenId: row.id,
      sessionTokenId: row.parent_id ?? row.id,
      deviceId: row.device_id,
      expiresAt,
    }
  }

  /**
   * The facade's key (`GET /api/im/token/`): a token bound to the caller's session. It is derived from the token
   * the caller presented, so asking again answers the same key and stores nothing new; it expires with the
   * session and is revoked with it (sign-out, a kick of its device, a password change, disable). Asked with
   * such a key, the answer is that key.
   */
  async sessionKey(actor: Actor & { userId: number }, presentedToken: string): Promise<string> {
    if (actor.tokenId !== actor.sessionTokenId) return presentedToken
    const key = derivedToken(presentedToken, 'im-facade-key')
    await insertDerivedToken(this.ctx.db, {
      parentId: actor.tokenId,
      appId: actor.appId,
      userId: actor.userId,
      deviceId: actor.deviceId,
      digest: tokenDigest(key),
      expiresAt: actor.expiresAt === null ? null : new Date(actor.expiresAt),
    })
    return key
  }

  /** An admin token acting as a user of its app (header `user_id`) or as an admin of a group (`group_id`). */
  async impersonate(actor: Actor, userId: number | undefined, groupId: number | undefined): Promise<Actor> {
    if (!actor.isAdmin) return actor
    if (userId !== undefined) await this.getUser(actor.appId, userId)
    return { ...actor, userId: userId ?? null, asGroupAdmin: groupId ?? null }
  }

  /** Ends the caller's session: its token and the tokens derived from it, whichever of them signs out. */
  async signOut(actor: Actor): Promise<void> {
    await this.revokeNow({ session: actor.sessionTokenId })
  }

  /** Revokes tokens at once and tells every process (their sockets close). */
  async revokeNow(which: Revocation): Promise<void> {
    await this.announceRevoked(await revokeTokens(this.ctx.db, which))
  }

  /** Revokes tokens inside the caller's transaction `trx`; announce the ids it returns once that commits. */
  async revokeIn(trx: Db, which: Revocation): Promise<number[]> {
    return revokeTokens(trx, which)
  }

  /**
   * Inside the caller's transaction: makes `adminToken` the app's one admin token (any other stops working), or — with
   * none configured — makes sure the app has one, returning a generated token to show once.
   */
  async ensureAdminToken(trx: Db, appId: string, adminToken: string | undefined): Promise<{ generatedAdminToken?: string }> {
    if (adminToken) {
      const digest = tokenDigest(adminToken)
      await revokeTokens(trx, { adminOf: appId, exceptDigest: digest })
      await upsertAdminToken(trx, appId, digest)
      return {}
    }
    if (await hasAdminToken(trx, appId)) return {}
    const token = newToken()
    await insertToken(trx, { appId, kind: 'admin', userId: null, deviceId: null, digest: tokenDigest(token), client: '', expiresAt: null })
    return { generatedAdminToken: token }
  }

  /** The user, read inside the caller's transaction `trx`; undefined when the app has no such user (or it was closed). */
  async userIn(trx: Db, appId: string, userId: number): Promise<User | undefined> {
    const row = await findUserById(trx, appId, userId)
    return row && !row.deleted_at ? toUser(row) : undefined
  }

  /** Inside the caller's transaction: closes the account's row and drops its devices (with their push tokens), push tags and open ids. */
  async closeIn(trx: Db, userId: number): Promise<void> {
    await deleteDevicesOf(trx, userId)
    await removeTags(trx, userId, 'all')
    await removeOpenIds(trx, userId)
    await updateSettings(trx, userId, { push_alias: '' })
    await closeUserRow(trx, userId, new Date(this.ctx.now()))
  }

  /** How the user takes friend applications (auth_mode and the answer to its question), inside the caller's transaction. */
  async friendPolicyIn(trx: Db, userId: number): Promise<{ authMode: number; authAnswer: string } | undefined> {
    const row = await findSettings(trx, userId)
    return row && { authMode: row.auth_mode, authAnswer: row.auth_answer }
  }

  /** Of the ids, those that are users of the app, with whether group invitations need their confirmation (inside `trx`). */
  async groupInviteesIn(trx: Db, appId: string, userIds: number[]): Promise<Map<number, { groupConfirm: boolean }>> {
    return usersWithGroupConfirm(trx, appId, userIds)
  }

  /** Which of the ids are users of the app. */
  async existingIds(appId: string, ids: number[]): Promise<Set<number>> {
    return existingUserIds(this.ctx.db, appId, ids)
  }

  /** The device's number within its user (0 for an unknown device). */
  async deviceSn(deviceId: number): Promise<number> {
    return deviceSnOf(this.ctx.db, deviceId)
  }

  /** Whether a new account could take `username` now: well formed and nobody's (a closed account keeps its name). */
  async isUsernameFree(appId: string, username: string): Promise<boolean> {
    checkUsername(username)
    return (await findUserByLoginName(this.ctx.db, appId, { by: 'username', username })) === undefined
  }

  async getUser(appId: string, userId: number): Promise<User> {
    const row = await findUserById(this.ctx.db, appId, userId)
    if (!row) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
    return toUser(row)
  }

  /** Tells every process that these tokens are revoked (their sockets close). */
  async announceRevoked(tokenIds: number[]): Promise<void> {
    if (tokenIds.length > 0) await ring(this.ctx.bus, TOKENS_REVOKED_CHANNEL, tokenIds)
  }

  /** Retention: forgets tokens that expired or were revoked before now; returns how many. */
  async purgeExpiredTokens(): Promise<number> {
    return purgeTokens(this.ctx.db, new Date(this.ctx.now()))
  }
}

/** An unknown login name is throttled under its resolved, case-folded form, like a real account. */
function throttleName(name: Exclude<LoginName, { by: 'any' }>): string {
  switch (name.by) {
    case 'id':
      return `id:${name.userId}`
    case 'username':
      return `username:${name.username.toLowerCase()}`
    case 'email':
      return `email:${name.email.toLowerCase()}`
    case 'mobile':
      return `mobile:${name.mobile}`
  }
}

// argon2id of a random digest nobody knows; computed once at load so unknown users cost a verify too.
const UNKNOWN_USER_HASH = await hashDigest(randomBytes(16).toString('hex'))
