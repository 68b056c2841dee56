// /push/* (002 §4), for the app admin: provider credentials (read masked, set sealed), notifications to an audience, their counts.
import type { FastifyInstance } from 'fastify'
import type { ProviderNumber } from '../../domain/push/credential-fields.ts'
import { restOperation } from './route.ts'
import {
  CertificateData,
  CertificateQuery,
  NotifyData,
  NotifyParams,
  notifyInput,
  renderCertificate,
  renderTaskDetail,
  SetCertificateParams,
  TaskDetailData,
  TaskDetailParams,
} from './push.schemas.ts'
import { Type } from 'typebox'

/** The wire's environment: 0 development, 1 production. */
const environmentOf = (value: number) => (value === 0 ? 'development' : 'production')

export function pushRoutes(app: FastifyInstance): void {
  const { push, pushCredentials } = app.services

  /** GET /push/certificate */
  restOperation(app, {
    method: 'GET',
    url: '/push/certificate',
    summary: '获取推送证书',
    auth: 'admin',
    params: CertificateQuery,
    data: CertificateData,
    handler: async (p, { appId }) => renderCertificate(await push.credentials(appId, p.provider as ProviderNumber, environmentOf(p.environment))),
  })

  /** POST /push/certificate */
  restOperation(app, {
    method: 'POST',
    url: '/push/certificate',
    summary: '设置推送证书（本网关的接口）',
    auth: 'admin',
    params: SetCertificateParams,
    data: Type.Boolean({ description: '结果数据' }),
    handler: async (p, { appId }) => {
      const { provider, environment, ...fields } = p
      await push.setCredentials(appId, provider as ProviderNumber, environmentOf(environment), fields)
      pushCredentials.forget(appId) // this process sends with them at once; others within the cache's 30 s
      return true
    },
  })

  /** POST /push/notify */
  restOperation(app, {
    method: 'POST',
    url: '/push/notify',
    summary: '发推送通知',
    auth: 'admin',
    params: NotifyParams,
    data: NotifyData,
    handler: async (p, { appId }) => ({ task_id: await push.notify(appId, notifyInput(p)) }),
  })

  /** POST /push/task/detail */
  restOperation(app, {
    method: 'POST',
    url: '/push/task/detail',
    summary: '查询推送统计结果',
    auth: 'admin',
    params: TaskDetailParams,
    data: TaskDetailData,
    handler: async (p, { appId }) => (await push.taskDetails(appId, p.list)).map(renderTaskDetail),
  })
}
