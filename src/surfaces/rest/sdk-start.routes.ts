// What MaxIM's SDK asks before login: its DNS answer (this gateway's own URLs), the speed test, and the app's client configuration.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { restOperation } from './route.ts'

const Server = (description: string) =>
  Type.Object(
    {
      protocol: Type.String({ description: 'http 或 https' }),
      host: Type.String({ description: '主机[:端口]，ratel 可带路径前缀' }),
      ip_list: Type.Optional(Type.Array(Type.String(), { description: 'IP 列表（SDK 只用于显示）' })),
    },
    { description },
  )

const DnsData = Type.Object({
  version: Type.Integer({ description: 'DNS 版本' }),
  app_status: Type.String({ description: '应用状态：空表示正常' }),
  account_verification: Type.Object({}, { description: '企业认证信息（本服务无）' }),
  dns_server_list: Type.Array(Type.Object({ domain: Type.String() }), { description: '其它 DNS 服务器（无）' }),
  link_server_list: Type.Array(Type.Object({ domain: Type.String() }), { description: '链接预览服务器（无）' }),
  dns_list: Type.Array(
    Type.Object({
      group_level: Type.Integer({ description: '0：SDK 使用的一组' }),
      clusters: Type.Array(
        Type.Object({
          ratel: Type.Array(Server('REST 地址：protocol://host')),
          webim: Type.Array(Server('实时连接地址：protocol://host（不带路径）')),
          rtc: Type.Array(Server('RTC 信令地址（本服务不提供 RTC，SDK 要求非空）')),
        }),
      ),
    }),
  ),
})

/** Forwarding limits the clients apply: one send reaches at most 100 targets (messages.service), and a client forwards messages one send each. */
const FORWARD_MAX_USERS = 100
const FORWARD_MAX_MESSAGES = 100

export function sdkStartRoutes(app: FastifyInstance): void {
  const { apps } = app.services
  const base = new URL(app.config.PUBLIC_URL)
  const protocol = base.protocol.replace(':', '')
  // The REST base may sit under a path prefix; socket.io would read a path after the host as a namespace, so the real-time host is bare.
  const restHost = `${base.host}${base.pathname.replace(/\/+$/, '')}`
  const dns = {
    version: 1,
    app_status: '',
    account_verification: {},
    dns_server_list: [],
    link_server_list: [],
    dns_list: [
      {
        group_level: 0,
        clusters: [
          {
            ratel: [{ protocol, host: restHost, ip_list: [] }],
            webim: [{ protocol, host: base.host }],
            rtc: [{ protocol, host: base.host }],
          },
        ],
      },
    ],
  }

  /** GET /app_dns (also under a path prefix, as MaxIM's own /v2/app_dns): the servers of the app, which are this gateway. */
  for (const url of ['/app_dns', '/:prefix/app_dns']) {
    restOperation(app, {
      method: 'GET',
      url,
      summary: 'MaxIM SDK 的 DNS：应用的服务器地址（即本服务）',
      auth: 'public',
      params: Type.Object({
        app_id: Type.Optional(Type.String({ maxLength: 64, description: '应用ID（也可放在 app_id 头）' })),
        source: Type.Optional(Type.String({ description: '请求来源（不使用）' })),
      }),
      data: DnsData,
      handler: async (p, { appId }) => {
        if (p.app_id !== undefined) await apps.resolveApp(p.app_id)
        else await apps.resolveApp(appId)
        return dns
      },
    })
  }

  /** GET / : the SDK's speed test only needs an answer its page may read. */
  restOperation(app, {
    method: 'GET',
    url: '/',
    summary: '服务可用（MaxIM SDK 测速）',
    auth: 'public',
    data: Type.Object({ service: Type.String({ description: '服务名' }) }),
    handler: async () => ({ service: 'im-gateway' }),
  })

  /** GET /app/config */
  restOperation(app, {
    method: 'GET',
    url: '/app/config',
    summary: '应用的客户端配置（MaxIM SDK 启动时读取）',
    auth: 'public',
    params: Type.Object({ platform: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: '客户端平台，6: web' })) }),
    data: Type.Object({
      hide_member_info: Type.Boolean({ description: '群可否隐藏成员信息（总是 true：每个群以 /group/settings/hide_member_info 开关）' }),
      message_forward_max_user_num: Type.Integer({ description: '一次转发最多的接收者数' }),
      message_forward_max_message_num: Type.Integer({ description: '一次转发最多的消息数' }),
    }),
    handler: async () => ({
      // Groups may hide member info; each group's own switch decides (the SDK's UI heeds the group's only when this is true).
      hide_member_info: true,
      message_forward_max_user_num: FORWARD_MAX_USERS,
      message_forward_max_message_num: FORWARD_MAX_MESSAGES,
    }),
  })
}
