// MaxIM's mobile flows: a picture captcha before an SMS code, login by SMS code, register-and-bind by sign, changing the bound number.
import { createHash, randomBytes } from 'node:crypto'
import { DomainError } from '../errors.ts'
import type { UserActor } from '../actor.ts'
import type { DomainContext } from '../context.ts'
import { captchaSvg, captchaText } from '../../platform/captcha.ts'
import { findUserById, findUserByLoginName } from './accounts.repository.ts'
import { displayMobile, normalizeMobile } from './mobile.ts'
import { issueLoginPassword, issueSign, ONE_TIME_TTL_SECONDS, readSign, useSign } from './one-time-secrets.ts'
import type { ProfileService } from './profile.service.ts'
import type { SecurityService } from './security.service.ts'
import type { VerificationService } from './verification.service.ts'

/** Pictures one client address may ask for per minute: each costs a stored text for five minutes. */
const PICTURES_PER_ADDRESS_MINUTE = 30

/** Who is calling, for counting and for tying a sign to the registration that came before it. */
export interface Client {
  address: string
  userAgent: string
}

/** The client as one opaque key: its address and user agent together. */
const clientKey = (client: Client) => createHash('sha256').update(`${client.address}\n${client.userAgent}`).digest('hex')

export class MobileFlowsService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly verification: VerificationService,
    private readonly profile: ProfileService,
    private readonly security: SecurityService,
  ) {}

  /** POST /app/captcha/image: a new picture's id; its text lives five minutes and is checked once. */
  async newCaptcha(appId: string, client: Client): Promise<string> {
    if ((await this.ctx.kv.incr(`captcha-address:${appId}:${client.address}:minute`, 60)) > PICTURES_PER_ADDRESS_MINUTE) {
      throw new DomainError('RATE_LIMITED', 'too many captcha pictures asked for from this address')
    }
    const imageId = randomBytes(16).toString('hex')
    await this.ctx.kv.set(`captcha:${appId}:${imageId}`, captchaText(), ONE_TIME_TTL_SECONDS)
    return imageId
  }

  /** GET /app/captcha/image: the picture (SVG) of a live captcha. */
  async captchaPicture(appId: string, imageId: string): Promise<string> {
    const text = await this.ctx.kv.get(`captcha:${appId}:${imageId}`)
    if (text === null) throw new DomainError('BAD_CAPTCHA', 'no such captcha picture (or it expired); ask for a new one')
    return captchaSvg(text)
  }

  /**
   * GET /app/captcha/sms_web: checks the picture's text (one try per picture: a wrong answer needs a new
   * picture), then sends a `mobile` code to the number, counted per number and per client address.
   */
  async sendCode(appId: string, input: { mobile: string; imageId: string; captcha: string; client: Client }): Promise<void> {
    const mobile = normalizeMobile(input.mobile)
    const key = `captcha:${appId}:${input.imageId}`
    const text = await this.ctx.kv.get(key)
    await this.ctx.kv.del(key)
    if (text === null || text !== input.captcha.trim()) throw new DomainError('BAD_CAPTCHA')
    await this.verification.send(appId, mobile, 'mobile', undefined, input.client.address)
  }

  /**
   * GET /app/user/info_pwd: an SMS code proves the number. Its account (by verified number only) gets a
   * one-time login password for /token/user; a number without an account gets a sign for register-and-bind.
   */
  async loginByCode(appId: string, input: string, code: string): Promise<{ username: string | null; password: string | null; sign: string | null }> {
    const mobile = normalizeMobile(input)
    const codeId = await this.verification.check(appId, mobile, 'mobile', code)
    await this.verification.consume(this.ctx.db, codeId)
    const user = await findUserByLoginName(this.ctx.db, appId, { by: 'mobile', mobile })
    if (!user) return { username: null, password: null, sign: await issueSign(this.ctx.kv, appId, { kind: 'register', mobile, issuedAt: this.ctx.now() }) }
    if (user.disabled) throw new DomainError('USER_DISABLED', 'this user is disabled; contact the app administrator')
    // /token/user takes the number as its name when the account has no username (a username is never all digits).
    return { username: user.username ?? displayMobile(mobile), password: await issueLoginPassword(this.ctx.kv, appId, user.id), sign: null }
  }

  /** Remembers who this client just registered, for a register-and-bind sign sent without a token (MaxIM's UI binds before it logs in). */
  async noteRegistration(appId: string, userId: number, client: Client): Promise<void> {
    await this.ctx.kv.set(`registered:${appId}:${clientKey(client)}`, JSON.stringify({ userId, at: this.ctx.now() }), ONE_TIME_TTL_SECONDS)
  }

  /**
   * POST /app/user/mobile_bind_with_sign: binds the number an info_pwd sign proved. With a token, to the caller;
   * without one, to the account this same client (address and user agent) registered after the sign was issued,
   * within the sign's five minutes. Never to a user the request names.
   */
  async bindWithSign(appId: string, input: { mobile: string; sign: string; userId: number | null; client: Client }): Promise<void> {
    const mobile = normalizeMobile(input.mobile)
    const sign = await readSign(this.ctx.kv, appId, input.sign)
    if (!sign || sign.kind !== 'register' || sign.mobile !== mobile)
      throw new DomainError('BAD_PARAMETER', 'sign is unknown, expired, used, or for another number')
    const userId = input.userId ?? (await this.registeredAfter(appId, input.client, sign.issuedAt))
    const user = await findUserById(this.ctx.db, appId, userId)
    if (!user || user.deleted_at) throw new DomainError('USER_NOT_FOUND', `user ${userId} does not exist`)
    if (!(await useSign(this.ctx.kv, appId, input.sign))) throw new DomainError('BAD_PARAMETER', 'this sign was already used')
    await this.profile.bindVerified(appId, userId, mobile, [])
  }

  /** POST /app/user/mobile_prechange_by_password: the password proves the caller; the sign lets them bind a new number. */
  async prechangeByPassword(actor: UserActor, passwordDigest: string): Promise<string> {
    await this.security.checkPassword(actor.appId, actor.userId, passwordDigest)
    return issueSign(this.ctx.kv, actor.appId, { kind: 'change', userId: actor.userId, issuedAt: this.ctx.now() })
  }

  /** POST /app/user/mobile_prechange_by_mobile: a code to the caller's current (verified) number proves them instead. */
  async prechangeByMobile(actor: UserActor, input: string, code: string): Promise<string> {
    const mobile = normalizeMobile(input)
    const user = await findUserById(this.ctx.db, actor.appId, actor.userId)
    if (!user) throw new DomainError('USER_NOT_FOUND', `user ${actor.userId} does not exist`)
    if (user.mobile !== mobile) throw new DomainError('BAD_PARAMETER', 'mobile is not the number bound to your account')
    const codeId = await this.verification.check(actor.appId, mobile, ['mobile', 'bind'], code)
    await this.verification.consume(this.ctx.db, codeId)
    return issueSign(this.ctx.kv, actor.appId, { kind: 'change', userId: actor.userId, issuedAt: this.ctx.now() })
  }

  /** POST /app/user/mobile_change: the step-1 sign and a code sent to the new number bind it (the old one is released). */
  async change(actor: UserActor, input: { mobile: string; code: string; sign: string }): Promise<void> {
    const mobile = normalizeMobile(input.mobile)
    const sign = await readSign(this.ctx.kv, actor.appId, input.sign)
    if (!sign || sign.kind !== 'change' || sign.userId !== actor.userId) throw new DomainError('BAD_PARAMETER', 'sign is unknown, expired, used, or not yours')
    const codeId = await this.verification.check(actor.appId, mobile, ['mobile', 'bind'], input.code)
    if (!(await useSign(this.ctx.kv, actor.appId, input.sign))) throw new DomainError('BAD_PARAMETER', 'this sign was already used')
    await this.profile.bindVerified(actor.appId, actor.userId, mobile, [codeId])
  }

  private async registeredAfter(appId: string, client: Client, issuedAt: number): Promise<number> {
    const noted = await this.ctx.kv.get(`registered:${appId}:${clientKey(client)}`)
    const registration = noted === null ? undefined : (JSON.parse(noted) as { userId: number; at: number })
    if (!registration || registration.at < issuedAt) {
      throw new DomainError(
        'NO_PERMISSION',
        'no account registered from this client since the sign was issued: log in and send the sign with your access-token',
      )
    }
    return registration.userId
  }
}
