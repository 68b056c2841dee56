// The Chinese every old surface speaks (legacy `info`, facade `detail`): one text per error code, and the error's own when it has one.
import type { DomainError, ErrorKey } from '../../domain/errors.ts'

/** What old apps show their users: one text per error code, in the language of the documents. */
export const ZH_REASON: Record<ErrorKey, string> = {
  TOKEN_INVALID: '登录已失效，请重新登录',
  USER_NOT_FOUND: '用户不存在',
  BAD_VERIFICATION_CODE: '验证码错误',
  BAD_PARAMETER: '参数错误',
  TOKEN_MISSING: '请先登录',
  USER_EXISTS: '该用户已注册',
  ALREADY_FRIEND: '已经是好友',
  IN_BLACKLIST: '已被对方拉黑',
  FRIEND_APPLICATION_NOT_FOUND: '好友申请不存在或已过期',
  TOKEN_FORMAT: '登录已失效，请重新登录',
  FILE_STORAGE: '文件存储失败',
  NO_PERMISSION: '没有权限',
  ALREADY_BOUND: '已经绑定',
  FRIEND_APPLICATION_DECLINED: '对方拒绝了好友申请',
  WRONG_CREDENTIALS: '用户名或密码错误',
  USER_DISABLED: '该用户已被禁用',
  ACCOUNT_DELETED: '该账号已注销',
  WRONG_PASSWORD: '密码错误',
  BAD_CAPTCHA: '图片验证码错误，请刷新后重试',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  ROUTE_NOT_FOUND: '接口不存在',
  PAYLOAD_TOO_LARGE: '上传内容过大',
  BAD_FILE_TYPE: '文件格式不支持',
  SMS_UNAVAILABLE: '验证码发送失败，请稍后再试',
  NOT_FRIEND: '对方不是您的好友',
  NOT_SUPPORTED: '本服务不提供该功能',
  PUSH_NOT_CONFIGURED: '推送未配置',
  INTERNAL: '服务器错误，请稍后再试',
  GROUP_NOT_FOUND: '群不存在',
  NOT_GROUP_MEMBER: '您不是该群成员',
  BAD_MSG_PUSH_MODE: '消息推送模式错误',
  OWNER_CANNOT_LEAVE: '群主不能退出群，请先转让',
  TRANSFER_TARGET_NOT_MEMBER: '转让对象不是群成员',
  QUOTA_GROUPS_PER_APP: '群数量已达上限',
  QUOTA_GROUPS_CREATED: '创建的群数量已达上限',
  QUOTA_GROUPS_JOINED: '加入的群数量已达上限',
  QUOTA_GROUP_MEMBERS: '群成员数量已达上限',
  NEED_MEMBER: '只有群成员可以执行此操作',
  NEED_ADMIN: '只有管理员可以执行此操作',
  NEED_OWNER: '只有群主可以执行此操作',
  APPLICATION_HANDLED: '申请已过期或已处理',
  INVITATION_HANDLED: '邀请已过期或已处理',
  ALREADY_MEMBER: '您已是该群成员',
  IN_GROUP_BLACKLIST: '您已被该群拉黑',
  ANNOUNCEMENT_NOT_FOUND: '群公告不存在',
  SHARED_FILE_NOT_FOUND: '群文件不存在',
  SHARED_FILE_FORBIDDEN: '没有该群文件的权限',
  QR_INVALID: '二维码无效',
  QR_EXPIRED: '二维码已过期',
  ADMIN_CANNOT_LEAVE: '管理员不允许退出群',
  FACE_CODE_MISMATCH: '面对面建群号码不正确',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  APP_NOT_FOUND: '应用不存在',
}

/**
 * The Chinese reason of an error: its own when the code that raised it said one, else its code's.
 * A parameter error says which parameter and what is wrong with it ("参数错误：缺少参数 groupId").
 */
export function zhReason(error: DomainError): string {
  if (error.key === 'BAD_PARAMETER') return error.zh ? `${ZH_REASON.BAD_PARAMETER}：${error.zh}` : ZH_REASON.BAD_PARAMETER
  return error.zh ?? ZH_REASON[error.key]
}
