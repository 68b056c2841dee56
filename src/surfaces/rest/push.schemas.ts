// Schemas of /push/* (002 §4): credentials in and out, the notify request with every vendor block, and the task counts.
import { Type, type Static } from 'typebox'
import { CREDENTIAL_FIELDS, type CredentialField } from '../../domain/push/credential-fields.ts'
import type { CredentialsView, NotifyInput, TaskChannel, TaskDetail } from '../../domain/push/push.types.ts'
import { INT4_MAX } from '../../domain/paging.ts'

const Provider = Type.Integer({
  minimum: 1,
  maximum: 8,
  description: '证书提供方, 1-APNS，2-华为，3-小米，4-魅族，5-VIVO， 6-OPPO, 7-FCM；8-Web Push（本网关自有）',
})
const Environment = Type.Integer({
  minimum: 0,
  maximum: 1,
  default: 1,
  description: '运行环境， 0 - 开发环境， 1 - 生产环境 , 默认值：1（只有 APNs 区分环境，其他厂商只有一套凭据）',
})

export const CertificateQuery = Type.Object({ environment: Environment, provider: Provider })

const FIELD_DESCRIPTIONS: Record<CredentialField, string> = {
  app_id: 'APP ID（华为、小米、魅族、vivo）；FCM 显示 project_id',
  app_key: 'APP KEY（小米、魅族、vivo、OPPO；Web Push 为 VAPID 公钥）；FCM 显示 client_email',
  app_secret: 'APP SECRET（华为、小米、魅族、vivo、OPPO；Web Push 为 VAPID 私钥）：加密保存，只显示掩码',
  master_secret: 'OPPO master secret：加密保存，只显示掩码',
  certificate: '证书：APNs 为 .p8 签名密钥的 PEM 文本；FCM 为服务账号密钥文件（JSON）。加密保存，只显示掩码',
  key_id: 'APNs 签名密钥的 Key ID（10 位）',
  team_id: 'APNs 开发者 Team ID（10 位）',
  bundle_id: 'APNs 应用的 Bundle ID（apns-topic）',
  package_name: '小米：应用包名',
  subject: 'Web Push：VAPID 联系方式（mailto: 或 https:）',
}

/** POST /push/certificate: this gateway's own operation (002 documents only the GET). */
export const SetCertificateParams = Type.Object({
  provider: Provider,
  environment: Environment,
  name: Type.Optional(Type.String({ maxLength: 128, description: '证书名称；为空则用厂商名' })),
  ...(Object.fromEntries(
    CREDENTIAL_FIELDS.map((field) => [
      field,
      Type.Optional(Type.String({ maxLength: field === 'certificate' ? 16_384 : 512, description: FIELD_DESCRIPTIONS[field] })),
    ]),
  ) as Record<CredentialField, ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>>),
})

export const CertificateData = Type.Object(
  {
    provider: Type.Integer({ description: '证书提供方' }),
    environment: Type.Integer({ description: '运行环境，0 - 开发环境，1 - 生产环境（APNs 以外的厂商总是 1）' }),
    name: Type.String({ description: '证书名称' }),
    ...(Object.fromEntries(CREDENTIAL_FIELDS.map((field) => [field, Type.Optional(Type.String({ description: FIELD_DESCRIPTIONS[field] }))])) as Record<
      CredentialField,
      ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>
    >),
    updated_at: Type.Integer({ description: '最后设置时间（毫秒）' }),
  },
  { description: '推送证书信息' },
)

export function renderCertificate(view: CredentialsView): Static<typeof CertificateData> {
  const f = view.fields
  // FCM's project and account show where 002 puts an app's id and key.
  const shown: Record<string, string> =
    view.provider === 7 ? { app_id: f.project_id ?? '', app_key: f.client_email ?? '', certificate: f.certificate ?? '' } : f
  const fields = Object.fromEntries(CREDENTIAL_FIELDS.filter((k) => shown[k] !== undefined).map((k) => [k, shown[k]!]))
  return { provider: view.provider, environment: view.environment === 'development' ? 0 : 1, name: view.name, ...fields, updated_at: view.updatedAt }
}

const Text = (description: string, maxLength = 1024) => Type.Optional(Type.String({ maxLength, description }))
const ClickAction = Type.Optional(
  Type.Union([Type.Literal('intent'), Type.Literal('open_app')], {
    description: '点击通知的后续动作: intent 打开应用特定页面; open_app 打开应用首页。可为空',
  }),
)
const androidFields = {
  sound: Text('通知提示声音，可为空', 256),
  channel_id: Text('通知栏通道，可为空', 256),
  click_action: ClickAction,
  intent: Text(
    '点击通知打开应用特定页面: 可为空，click_action为intent时不可为空。示例：intent:#Intent;component=包名/activity全路径;S.parm1=value1;S.parm2=value2;end',
    2048,
  ),
}
const Android = (description: string) => Type.Optional(Type.Object(androidFields, { description }))
const overrides = (vendor: string) => `${vendor}厂商额外参数, 可为空，如果设置，会覆盖Android里的相应属性`

const List = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(item: T, description: string) =>
  Type.Optional(Type.Array(item, { minItems: 1, maxItems: 500, description }))

const Audience = Type.Union(
  [
    Type.Literal('all', { description: '发给所有设备' }),
    Type.Object(
      {
        tag: List(Type.String({ minLength: 1, maxLength: 64 }), '发给标签为其中之一的设备（标签由 /user/push/tag 设置），最多500个'),
        alias: List(Type.String({ minLength: 1, maxLength: 256 }), '发给别名为其中之一的设备（别名由 /user/push/alias 设置），最多500个'),
        user_id: List(Type.Integer({ minimum: 1, maximum: INT4_MAX }), '发给这些用户的设备，最多500个'),
        push_token: List(Type.String({ minLength: 1, maxLength: 4096 }), '发给这些PushToken的设备，最多500个'),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      '推送目标, 不可为空。"all" 表示发给所有设备；或 {"tag"|"alias"|"user_id"|"push_token": [...]}，列表长度不能超过500（同时给出多个列表时，发给符合其中任一条件的设备）',
  },
)

const OsPush = Type.Union(['ups', 'fcm', 'huawei', 'xiaomi', 'oppo', 'vivo', 'meizu'].map((v) => Type.Literal(v)))

export const NotifyParams = Type.Object({
  audience: Audience,
  setting: Type.Optional(
    Type.Object(
      {
        request_id: Text('请求ID，用于请求去重：同一应用用过的请求ID不再推送，返回第一次的 task_id。可为空，为空则不去重。', 128),
        distribution_strategy: Type.Optional(
          Type.Union([Type.Literal('combined'), Type.Literal('mxpush_only'), Type.Literal('ospush_only')], {
            description:
              '通知下发策略: combined - 先使用美信通道下发，美信不在线，则使用厂商通道下发；mxpush_only - 只使用美信通道下发; ospush_only - 只使用厂商通道下发。为空则默认为combined',
          }),
        ),
        ospush_sequence: Type.Optional(
          Type.Array(OsPush, {
            minItems: 1,
            maxItems: 7,
            uniqueItems: true,
            description: '厂商推送顺序：ups - 国内厂商(小米/华为/魅族/oppo/vivo); fcm; huawei; xiaomi; oppo; vivo; meizu。为空则默认为[ups,fcm]',
          }),
        ),
      },
      { description: '推送设置, 可为空' },
    ),
  ),
  message: Type.Object(
    {
      type: Type.Optional(
        Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('cmd')], {
          description: '消息类型：text - 文本，image - 图片， cmd - 透传消息。为空则默认为text',
        }),
      ),
      title: Text('标题。可为空（text、image 须有标题或内容）', 256),
      body: Text('内容。可为空', 4096),
      attachment_url: Type.Optional(
        Type.String({
          maxLength: 2048,
          pattern: '^https?://[^\\s]+$',
          description: '附件地址: 图片/音频/视频的URL地址。图片须以jpg/jpeg/png结尾（image 类型必填）',
        }),
      ),
      big_text: Text('大文本：厂商支持时代替body推送大文本', 4096),
      badge: Type.Optional(
        Type.Union(
          [
            Type.String({ pattern: '^\\+?\\d{1,6}$', description: '数字：设置角标；+N：角标加N' }),
            Type.Integer({ minimum: 0, maximum: 999_999, description: '设置角标为此数字' }),
          ],
          { description: '应用角标: 如果为数字，则修改角标为此数字；如果以+开头，表示增加此数字到角标，如"+1";如果为空，默认为"+1"' },
        ),
      ),
      ext: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: '扩展字段: JSONObject, 例如: {"key1":123, "key2":"value2"}' })),
      show_begin_time: Type.Optional(Type.Integer({ minimum: 0, maximum: INT4_MAX, description: '定时展示的开始时间戳(秒), 为空时表示立即展示' })),
      show_end_time: Type.Optional(Type.Integer({ minimum: 0, maximum: INT4_MAX, description: '定时展示的结束时间戳(秒)，可为空' })),
      ios: Type.Optional(
        Type.Object(
          {
            sound: Text('通知提示声音， 可为空', 256),
            content_available: Type.Optional(Type.Boolean({ description: '对应APNs的content-available，可为空' })),
            mutable_content: Type.Optional(Type.Boolean({ description: '对应APNs的mutable-content， 可为空' })),
            category: Text('对应APNs Payload中的category， 可为空', 256),
            thread_id: Text('对应APNs的thread-id：相同thread-id 的通知归为一组', 256),
            subtitle: Text('对应APNs的subtitle，可为空', 256),
            apns_collapse_id: Text('对应APNs的apns-collapse-id（至多64字节）：覆盖通知中心里相同apns-collapse-id的通知', 64),
          },
          { description: 'ios平台额外参数，可为空' },
        ),
      ),
      android: Android('android平台额外参数，可为空'),
      huawei: Type.Optional(
        Type.Object(
          {
            ...androidFields,
            badge_class: Text('桌面图标对应的应用入口Activity类， 比如 com.test.badge.MainActivity， 可为空', 256),
          },
          { description: overrides('huawei') },
        ),
      ),
      xiaomi: Android(overrides('xiaomi')),
      oppo: Android(overrides('oppo')),
      vivo: Type.Optional(
        Type.Object(
          {
            ...androidFields,
            push_mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 1, description: '推送模式： 0-正式推送；1-测试推送，不填默认为0' })),
            classification: Type.Optional(Type.Integer({ minimum: 0, maximum: 1, description: '消息类型 0：运营类消息，1：系统类消息。不填默认为0' })),
          },
          { description: overrides('vivo') },
        ),
      ),
      flyme: Android(overrides('魅族')),
      fcm: Android(overrides('FCM')),
    },
    { description: '推送消息体' },
  ),
})

export function notifyInput(p: Static<typeof NotifyParams>): NotifyInput {
  const { badge, ...message } = p.message
  return { audience: p.audience, setting: p.setting, message: { ...message, ...(badge === undefined ? {} : { badge: String(badge) }) } }
}

export const NotifyData = Type.Object({ task_id: Type.Integer({ description: '任务ID' }) })

export const TaskDetailParams = Type.Object({
  list: Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), { minItems: 1, maxItems: 100, description: '推送任务ID列表（至多100个）' }),
})

const CHANNEL_NAMES: Record<TaskChannel, string> = {
  mxpush: '美信通道（本网关的长连接）',
  apns: 'APNs通道',
  fcm: 'FCM通道',
  huawei: '华为通道',
  xiaomi: '小米通道',
  oppo: 'oppo通道',
  vivo: 'vivo通道',
  flyme: '魅族通道',
  webpush: 'Web Push通道（浏览器）',
}

const countFields = Object.fromEntries(
  Object.entries(CHANNEL_NAMES).flatMap(([channel, label]) => [
    [`${channel}_target`, Type.Integer({ description: `${label}有效目标数` })],
    [`${channel}_sent`, Type.Integer({ description: `${label}发送数` })],
    [`${channel}_received`, Type.Integer({ description: `${label}送达数` })],
  ]),
) as Record<string, ReturnType<typeof Type.Integer>>

export const TaskDetailData = Type.Array(Type.Object({ task_id: Type.Integer({ description: '推送任务ID' }), ...countFields }), { description: '结果数据' })

export function renderTaskDetail(detail: TaskDetail): Static<typeof TaskDetailData>[number] {
  const out: Record<string, number> = { task_id: detail.taskId }
  for (const [channel, counts] of Object.entries(detail.counts)) {
    out[`${channel}_target`] = counts.target
    out[`${channel}_sent`] = counts.sent
    out[`${channel}_received`] = counts.received
  }
  return out as Static<typeof TaskDetailData>[number]
}
