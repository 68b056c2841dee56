// Wire shapes of /user/* (002 §3) and their rendering from domain objects.
import { displayMobile } from '../../domain/accounts/mobile.ts'
import { Type, type Static } from 'typebox'
import type { User, UserSettings } from '../../domain/accounts/accounts.types.ts'
import { absoluteUrl } from '../shared/urls.ts'
import { DisplayName, Id32, Int32 } from '../shared/wire.ts'

const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description })

export const UserSettingsData = Type.Object({
  id: Type.Integer({ description: '设置ID' }),
  user_id: Type.Integer({ description: '用户ID' }),
  auth_mode: Type.Integer({
    description: '验证方式, 0 - 无需验证，任何人可以加为好友, 1 - 需要同意方可加为好友, 2 - 需要回答问题正确方可加为好友, 3 - 拒绝所有加好友申请',
  }),
  auth_question: Type.String({ description: '验证问题' }),
  auth_answer: Type.String({ description: '验证问题答案' }),
  auto_download: Type.Boolean({ description: '是否自动下载' }),
  group_confirm: Type.Boolean({ description: '邀请入群时是否需要用户确认: true - 需要用户同意才可加入， false - 自动同意邀请' }),
  no_push: Type.Boolean({ description: '是否关闭推送消息' }),
  no_push_detail: Type.Boolean({ description: '是否推送详情' }),
  no_push_start_hour: Type.Integer({ description: '推送免打扰开始时间' }),
  no_push_end_hour: Type.Integer({ description: '推送免打扰结束时间' }),
  no_sounds: Type.Boolean({ description: '收到消息时是否静音' }),
  push_nick_name: Type.String({ description: '推送昵称' }),
  push_token: Type.String({ description: '推送token' }),
  silence_start_time: Type.Integer({ description: '推送不提醒开始时间' }),
  silence_end_time: Type.Integer({ description: '推送不提醒结束时间' }),
  vibratory: Type.Boolean({ description: '收到消息时否振动' }),
})

const props = UserSettingsData.properties
const described = (schema: object) => ({ description: (schema as { description?: string }).description ?? '' })

/**
 * POST/PUT /user/settings: any settings field; `id`, `user_id` and `push_token` are read-only and ignored.
 * Numbers are bounded to 32 bits here; the settings rules say the real ranges (auth_mode 0–3, hours 0–23).
 */
export const UserSettingsParams = Type.Partial(
  Type.Object({
    ...props,
    id: Int32(described(props.id)),
    user_id: Int32(described(props.user_id)),
    auth_mode: Int32(described(props.auth_mode)),
    auth_question: Type.String({ maxLength: 256, ...described(props.auth_question) }),
    auth_answer: Type.String({ maxLength: 256, ...described(props.auth_answer) }),
    no_push_start_hour: Int32(described(props.no_push_start_hour)),
    no_push_end_hour: Int32(described(props.no_push_end_hour)),
    push_nick_name: DisplayName(described(props.push_nick_name).description, 256),
    push_token: Type.String({ maxLength: 512, ...described(props.push_token) }),
    silence_start_time: Int32(described(props.silence_start_time)),
    silence_end_time: Int32(described(props.silence_end_time)),
  }),
)

export function settingsChanges(p: Partial<Static<typeof UserSettingsData>>) {
  return {
    authMode: p.auth_mode,
    authQuestion: p.auth_question,
    authAnswer: p.auth_answer,
    autoDownload: p.auto_download,
    groupConfirm: p.group_confirm,
    noPush: p.no_push,
    noPushDetail: p.no_push_detail,
    noPushStartHour: p.no_push_start_hour,
    noPushEndHour: p.no_push_end_hour,
    noSounds: p.no_sounds,
    pushNickName: p.push_nick_name,
    silenceStartTime: p.silence_start_time,
    silenceEndTime: p.silence_end_time,
    vibratory: p.vibratory,
  }
}

export function renderSettings(s: UserSettings) {
  return {
    id: s.id,
    user_id: s.userId,
    auth_mode: s.authMode,
    auth_question: s.authQuestion,
    auth_answer: s.authAnswer,
    auto_download: s.autoDownload,
    group_confirm: s.groupConfirm,
    no_push: s.noPush,
    no_push_detail: s.noPushDetail,
    no_push_start_hour: s.noPushStartHour,
    no_push_end_hour: s.noPushEndHour,
    no_sounds: s.noSounds,
    push_nick_name: s.pushNickName,
    push_token: s.pushToken,
    silence_start_time: s.silenceStartTime,
    silence_end_time: s.silenceEndTime,
    vibratory: s.vibratory,
  }
}

export const UserProfileData = Type.Object({
  user_id: Type.Integer({ description: '用户ID' }),
  username: NullableString('用户名'),
  nick_name: Type.String({ description: '昵称' }),
  avatar: Type.String({ description: '头像 url' }),
  description: Type.String({ description: '描述信息' }),
  mobile: NullableString('手机号码'),
  email: NullableString('邮箱'),
  public_info: Type.String({ description: '公开信息，好友和陌生人可见' }),
  private_info: Type.Optional(Type.String({ description: '私有信息，仅自己可见' })),
  mobile_verified: Type.Optional(Type.Boolean({ description: '手机号是否已验证（仅自己可见）：未验证的号码不能登录、不能被搜到、不接收验证码以外的短信' })),
})

/** `self` decides whether private_info is shown: only the user reads its own. */
export function renderProfile(user: User, publicUrl: string, self: boolean) {
  return {
    user_id: user.id,
    username: user.username,
    nick_name: user.nickName,
    avatar: absoluteUrl(user.avatar, publicUrl),
    description: user.description,
    // The owner sees the number they set last, verified or not; others only a verified one.
    mobile: displayMobile(self ? (user.mobileUnverified ?? user.mobile) : user.mobile),
    email: user.email,
    public_info: user.publicInfo,
    ...(self ? { private_info: user.privateInfo, mobile_verified: user.mobileUnverified === null && user.mobile !== null } : {}),
  }
}

export const Password = Type.String({ minLength: 6, maxLength: 256, description: '密码（明文，至少6位）' })
export const UsernameParam = Type.String({ minLength: 1, maxLength: 64, description: '用户名：字母、数字、下划线，不能全为数字' })
export const UserIdParam = Id32('用户ID')

/** Per-line answer of the admin batch operations. */
export const BatchResultData = Type.Array(
  Type.Object({
    user_id: Type.Integer({ description: '用户ID' }),
    success: Type.Boolean({ description: '是否成功' }),
    reason: Type.String({ description: '失败原因' }),
  }),
)

export const ProfileFields = {
  nick_name: Type.Optional(DisplayName('昵称', 64)),
  description: Type.Optional(Type.String({ maxLength: 4096, description: '描述信息' })),
  public_info: Type.Optional(Type.String({ maxLength: 4096, description: '公开信息，好友和陌生人可见' })),
  private_info: Type.Optional(Type.String({ maxLength: 4096, description: '私有信息，仅自己可见' })),
}

export function profileChanges(p: { nick_name?: string; description?: string; public_info?: string; private_info?: string }) {
  return { nickName: p.nick_name, description: p.description, publicInfo: p.public_info, privateInfo: p.private_info }
}
