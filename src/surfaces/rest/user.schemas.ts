// Wire shapes of /user/* (002 §3) and their rendering from domain objects.
import { Type } from 'typebox'
import type { User, UserSettings } from '../../domain/accounts/accounts.types.ts'
import { absoluteUrl } from '../urls.ts'

const NullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description })

export const UserSettingsData = Type.Object({
  id: Type.Integer({ description: '设置ID' }),
  user_id: Type.Integer({ description: '用户ID' }),
  auth_mode: Type.Integer({ description: '验证方式, 0 - 无需验证，任何人可以加为好友, 1 - 需要同意方可加为好友, 2 - 需要回答问题正确方可加为好友, 3 - 拒绝所有加好友申请' }),
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
})

/** `self` decides whether private_info is shown: only the user reads its own. */
export function renderProfile(user: User, publicUrl: string, self: boolean) {
  return {
    user_id: user.id,
    username: user.username,
    nick_name: user.nickName,
    avatar: absoluteUrl(user.avatar, publicUrl),
    description: user.description,
    mobile: user.mobile,
    email: user.email,
    public_info: user.publicInfo,
    ...(self ? { private_info: user.privateInfo } : {}),
  }
}
