// /group/* (002 §7), part three: announcements and shared-file records.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { restOperation } from './route.ts'
import { AnnouncementData, FileData, FileResults, GroupId, GroupParams, renderAnnouncement, renderFile } from './group.schemas.ts'
import { BigId, Id32 } from '../shared/wire.ts'

const AnnouncementId = Id32('公告id')
const FileId = Id32('文件id')

export function groupContentRoutes(app: FastifyInstance): void {
  const { groupContent } = app.services

  /** POST /group/announcement/edit */
  restOperation(app, {
    method: 'POST',
    url: '/group/announcement/edit',
    summary: '编辑群公告',
    auth: 'any',
    params: Type.Object({
      content: Type.String({ maxLength: 10000, description: '公告内容' }),
      group_id: GroupId,
      title: Type.Optional(Type.String({ maxLength: 200, description: '公告标题' })),
    }),
    data: AnnouncementData,
    handler: async (p, { actor }) => renderAnnouncement(await groupContent.publishAnnouncement(actor, p.group_id, p.title ?? '', p.content)),
  })

  /** GET /group/announcement */
  restOperation(app, {
    method: 'GET',
    url: '/group/announcement',
    summary: '根据群id和公告id获取群公告详情',
    auth: 'any',
    params: Type.Object({ announcement_id: AnnouncementId, group_id: GroupId }),
    data: AnnouncementData,
    handler: async (p, { actor }) => renderAnnouncement(await groupContent.announcement(actor, p.group_id, p.announcement_id)),
  })

  /** GET /group/announcement/last */
  restOperation(app, {
    method: 'GET',
    url: '/group/announcement/last',
    summary: '获取最新一条群公告详情',
    auth: 'any',
    params: GroupParams,
    data: Type.Union([AnnouncementData, Type.Null()], { description: '最新的群公告；没有公告时为 null' }),
    handler: async (p, { actor }) => {
      const last = await groupContent.lastAnnouncement(actor, p.group_id)
      return last && renderAnnouncement(last)
    },
  })

  /** GET /group/announcement/list */
  restOperation(app, {
    method: 'GET',
    url: '/group/announcement/list',
    summary: '获取群公告列表',
    auth: 'any',
    params: GroupParams,
    data: Type.Array(AnnouncementData, { description: '结果数据：最新的在前' }),
    handler: async (p, { actor }) => (await groupContent.announcements(actor, p.group_id)).map(renderAnnouncement),
  })

  /** POST|DELETE /group/announcement/delete */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/group/announcement/delete',
    summary: '删除公告',
    auth: 'any',
    in: 'query',
    params: Type.Object({ announcement_id: AnnouncementId, group_id: GroupId }),
    data: Type.Object({}, { description: '结果数据' }),
    handler: async (p, { actor }) => {
      await groupContent.deleteAnnouncement(actor, p.group_id, p.announcement_id)
      return {}
    },
  })

  /** POST /group/file/upload */
  restOperation(app, {
    method: 'POST',
    url: '/group/file/upload',
    summary: '上传群文件',
    auth: 'any',
    params: Type.Object({
      group_id: GroupId,
      name: Type.String({ minLength: 1, maxLength: 255, description: '文件名称' }),
      size: BigId('文件大小（字节）', 0),
      type: Type.Optional(Type.String({ maxLength: 100, description: '文件类型' })),
      url: Type.String({ minLength: 1, maxLength: 2000, description: '文件url' }),
    }),
    data: FileData,
    handler: async (p, { actor }) => renderFile(await groupContent.addFile(actor, p.group_id, { name: p.name, size: p.size, type: p.type ?? '', url: p.url })),
  })

  /** GET /group/file */
  restOperation(app, {
    method: 'GET',
    url: '/group/file',
    summary: '下载群文件',
    auth: 'any',
    params: Type.Object({ file_id: FileId, group_id: GroupId }),
    data: FileData,
    handler: async (p, { actor }) => renderFile(await groupContent.file(actor, p.group_id, p.file_id)),
  })

  /** GET /group/file/list */
  restOperation(app, {
    method: 'GET',
    url: '/group/file/list',
    summary: '获取群文件列表',
    auth: 'any',
    params: GroupParams,
    data: Type.Array(FileData, { description: '结果数据' }),
    handler: async (p, { actor }) => (await groupContent.files(actor, p.group_id)).map(renderFile),
  })

  /** POST|PUT /group/file/update_name */
  restOperation(app, {
    method: ['POST', 'PUT'],
    url: '/group/file/update_name',
    summary: '更新群文件名称',
    auth: 'any',
    params: Type.Object({ file_id: FileId, group_id: GroupId, name: Type.String({ minLength: 1, maxLength: 255, description: '文件新名称' }) }),
    data: FileData,
    handler: async (p, { actor }) => renderFile(await groupContent.renameFile(actor, p.group_id, p.file_id, p.name)),
  })

  /** POST|DELETE /group/file/delete */
  restOperation(app, {
    method: ['POST', 'DELETE'],
    url: '/group/file/delete',
    summary: '删除群文件',
    auth: 'any',
    params: Type.Object({ file_list: Type.Array(FileId, { minItems: 1, maxItems: 1000, description: '文件id列表' }), group_id: GroupId }),
    data: FileResults,
    handler: async (p, { actor }) =>
      (await groupContent.deleteFiles(actor, p.group_id, p.file_list)).map((r) => ({ file_id: r.id, reason: r.reason, result: r.result })),
  })
}
