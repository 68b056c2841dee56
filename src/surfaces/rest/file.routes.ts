// /file/* (002 §9): upload URLs (tickets), the upload itself, and downloads of avatars and chat files.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type, type Static, type TObject } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import type { UploadPurpose } from '../../domain/files/files.service.ts'
import { UPLOAD_MAX_BYTES } from '../../domain/files/files.service.ts'
import { absoluteUrl } from '../shared/urls.ts'
import { authenticateRest } from './auth.ts'
import { Envelope, ok } from './envelope.ts'
import { restOperation } from './route.ts'
import { Id32, Int32 } from '../shared/wire.ts'

const UploadUrls = Type.Object({
  upload_url: Type.String({ description: '上传地址：以 multipart/form-data（任一文件字段）POST 或 PUT 文件，一次有效，1小时内' }),
  download_url: Type.String({ description: '上传成功后文件的下载地址' }),
  oss_body_param: Type.Object(
    {},
    {
      additionalProperties: Type.String(),
      description:
        '上传时须在文件字段之前附带的全部表单字段：经本服务上传时为空对象；直传对象存储（S3_DIRECT_UPLOAD）时为预签名 POST 策略的字段（key、Policy、X-Amz-*、Content-Type…），文件字段名为 file',
    },
  ),
})
const Id = Id32
const ToType = Type.Integer({ minimum: 1, maximum: 2, description: '1: 用户，2: 群组' })
/** Download parameters of the document this server accepts and ignores: no thumbnails or transcoding here. */
const IGNORED = {
  image_type: Type.Optional(Type.String({ description: '图片类型，1: 原图，2: 缩略图, 3: 封面图（本服务总是返回原图）' })),
  sdk_sign: Type.Optional(Type.String({ description: 'SDK的签名（不使用）' })),
  thumbnail_strategy: Type.Optional(Type.String({ description: '缩略图生成策略（不使用）' })),
}

export function fileRoutes(app: FastifyInstance): void {
  const { uploads: files } = app.services
  const publicUrl = app.config.PUBLIC_URL
  // The binary routes below answer files, not envelopes: they are declared on Fastify directly, typed by their schemas.
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  const chatDownload = (sign: string) => `${publicUrl}/file/download/chat?file_sign=${sign}`

  const ticketRoute = <P extends TObject>(
    url: string,
    summary: string,
    purpose: UploadPurpose,
    params: P,
    target: (p: Static<P>) => { fileType?: number; toType?: number; toId?: number },
  ) =>
    restOperation(app, {
      method: 'GET',
      url,
      summary,
      auth: 'user',
      params,
      data: UploadUrls,
      handler: async (p, { actor, userId }) => {
        const ticket = await files.createTicket({ ...actor, userId }, purpose, target(p))
        // With S3_DIRECT_UPLOAD the client posts to the bucket with this form; the download URL settles the upload.
        const form = await files.uploadForm(ticket)
        return {
          upload_url: form?.url ?? `${publicUrl}/file/upload/ticket/${ticket}`,
          // An avatar's final name is only known once its type is seen: the upload answers it.
          download_url: purpose === 'chat' ? chatDownload(ticket) : `${publicUrl}/file/download/avatar?object_name=${ticket}`,
          oss_body_param: form?.fields ?? {},
        }
      },
    })

  /** GET /file/upload/avatar/user */
  ticketRoute('/file/upload/avatar/user', '获取上传用户头像URL', 'avatar_user', Type.Object({}), () => ({}))
  /** GET /file/upload/avatar/group */
  ticketRoute('/file/upload/avatar/group', '获取上传群头像URL', 'avatar_group', Type.Object({ group_id: Id('group_id') }), (p) => ({ toId: p.group_id }))
  /** GET /file/upload/chat */
  ticketRoute(
    '/file/upload/chat',
    '获取上传聊天文件的URL',
    'chat',
    Type.Object({
      file_type: Int32({
        description:
          '文件类型 100: 普通聊天文件, 101: 语音聊天文件(amr格式),102: 图片聊天文件, 103: 视频聊天文件, 104: 语音聊天文件(mp3格式)200: 普通共享文件, 201: 语音共享文件, 202: 图片共享文件, 203: 视频共享文件',
      }),
      to_id: Id('to_id'),
      to_type: ToType,
    }),
    (p) => ({ fileType: p.file_type, toType: p.to_type, toId: p.to_id }),
  )

  /** GET /file/upload/forward */
  restOperation(app, {
    method: 'GET',
    url: '/file/upload/forward',
    summary: '获取聊天文件转发的URL',
    auth: 'user',
    params: Type.Object({ file_sign: Type.String({ maxLength: 64, description: '文件签名' }), to_id: Id('to_id'), to_type: ToType }),
    data: Type.String({ description: '转发后文件的下载地址' }),
    handler: async (p, { actor, userId }) => chatDownload(await files.forward({ ...actor, userId }, p.file_sign, p.to_type, p.to_id)),
  })

  /** POST|PUT /file/upload/ticket/:ticket (the upload_url) */
  typed.route({
    method: ['POST', 'PUT'],
    url: '/file/upload/ticket/:ticket',
    schema: {
      summary: '上传文件到 upload_url（multipart/form-data，任一文件字段）',
      tags: ['file'],
      params: Type.Object({ ticket: Type.String({ pattern: '^[0-9a-f]{32}$', description: '上传票据' }) }),
      response: {
        200: Envelope(Type.Object({ download_url: Type.String(), size: Type.Integer(), mime: Type.String() }), {
          // MaxIM's SDK counts an upload as done only on `data === true` or `Status === "OK"`, as object stores answer.
          Status: Type.Literal('OK', { description: '上传成功（MaxIM SDK 以此判断，同对象存储的回答）' }),
        }),
      },
    },
    handler: async (request) => {
      if (!request.isMultipart()) throw new DomainError('BAD_PARAMETER', 'send the file as multipart/form-data')
      const { ticket } = request.params
      for await (const part of request.parts({ limits: { fileSize: UPLOAD_MAX_BYTES + 1, files: 1 } })) {
        if (part.type !== 'file') continue
        const stored = await files.upload(ticket, part.file)
        const download = stored.purpose === 'chat' ? chatDownload(stored.id) : absoluteUrl(stored.urlPath, publicUrl)
        return { ...ok({ download_url: download, size: stored.size, mime: stored.mime }), Status: 'OK' as const }
      }
      throw new DomainError('BAD_PARAMETER', 'no file in the upload')
    },
  })

  /** GET /file/download/avatar */
  typed.route({
    method: 'GET',
    url: '/file/download/avatar',
    schema: {
      summary: '下载头像（公开：对象名随机，即为凭据）',
      tags: ['file'],
      querystring: Type.Object({
        object_name: Type.String({ maxLength: 256, description: '对象名：上传票据，或头像 URL 中 /files/ 之后的部分（如 avatars/….png）' }),
        store_token: Type.Optional(Type.String({ description: '文件token（不需要）' })),
        ...IGNORED,
      }),
    },
    handler: async (request, reply) => {
      const { object_name: name } = request.query
      return sendStored(reply, await files.avatarFile(name), undefined)
    },
  })

  /** GET /file/download/chat */
  typed.route({
    method: 'GET',
    url: '/file/download/chat',
    schema: {
      summary: '下载聊天文件（需 access-token 头，或 store_token 参数为任一有效 token）',
      tags: ['file'],
      querystring: Type.Object({
        file_sign: Type.String({ maxLength: 64, description: '文件签名' }),
        store_token: Type.Optional(Type.String({ description: '文件token：浏览器等无法设置请求头时，以 access token 代替' })),
        'access-token': Type.Optional(Type.String({ description: '同 store_token（MaxIM SDK 的写法）' })),
        app_id: Type.Optional(Type.String({ description: '应用ID（MaxIM SDK 附在下载地址上）' })),
        format: Type.Optional(Type.String({ description: '音频格式 amr/mp3（按上传格式返回，不转码）' })),
        source: Type.Optional(Type.String({ description: '请求来源（不使用）' })),
        ...IGNORED,
      }),
    },
    preParsing: async (request, _reply, payload) => {
      // Read before validation (authentication comes first): only a non-empty value stands in for the header.
      // <img>/<audio> cannot set headers: MaxIM's SDK appends access-token and app_id to the URL (the log redacts both).
      const { store_token: storeToken, 'access-token': queryToken, app_id: appId } = request.query
      const token = queryToken || storeToken
      if (typeof token === 'string' && token && !request.headers['access-token'] && !request.headers.authorization) request.headers['access-token'] = token
      if (typeof appId === 'string' && appId && !request.headers.app_id) request.headers.app_id = appId
      await authenticateRest(request, 'any')
      return payload
    },
    handler: async (request, reply) => {
      const file = await files.chatFile(request.appId, request.query.file_sign)
      return sendStored(reply, file.storedPath, file.mime)
    },
  })

  async function sendStored(reply: FastifyReply, storedPath: string, mime: string | undefined) {
    const file = await files.open(storedPath)
    return reply
      .header('content-type', mime ?? file.mime)
      .header('content-length', file.size)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=86400')
      .send(file.stream)
  }
}
