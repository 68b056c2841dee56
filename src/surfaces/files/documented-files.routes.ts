// Pictures at the paths the old documents print: default pictures (003 …/media/avatar/default.jpg) and stored photos (000 upload/images/userPhoto/…).
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { DOCUMENTED_FOLDERS, type FileStore } from '../../platform/storage.ts'
import { DEFAULT_AVATAR_PATH, DEFAULT_COVER_PATH } from '../shared/urls.ts'
import { sendStoredFile } from './stored-files.routes.ts'

const picture = (name: string) => readFileSync(new URL(`../../../assets/${name}`, import.meta.url))
const DEFAULTS = new Map([
  [DEFAULT_AVATAR_PATH, picture('default-avatar.jpg')],
  [DEFAULT_COVER_PATH, picture('default-cover.jpg')],
])

const SUMMARIES: Record<keyof typeof DOCUMENTED_FOLDERS, string> = {
  'upload/images/userPhoto/': '用户头像（000/001 的路径）',
  'media/avatar/': '用户头像（003 的路径）',
  'media/group/': '群组图标（003 的路径）',
}

export function documentedFileRoutes(app: FastifyInstance, files: FileStore): void {
  for (const [path, image] of DEFAULTS) {
    /** GET /media/avatar/default.jpg, GET /media/assets/media/avatar/default.jpg */
    app.get(`/${path}`, { schema: { summary: 'default picture at the path 003 prints', tags: ['files'] } }, async (_request, reply) =>
      reply.header('content-type', 'image/jpeg').header('cache-control', 'public, max-age=86400').send(image),
    )
  }
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  for (const [prefix, folder] of Object.entries(DOCUMENTED_FOLDERS)) {
    typed.get(
      `/${prefix}:name`,
      {
        schema: { summary: SUMMARIES[prefix as keyof typeof DOCUMENTED_FOLDERS], tags: ['files'], params: Type.Object({ name: Type.String() }) },
      },
      async (request, reply) => sendStoredFile(reply, files, `${folder}/${request.params.name}`),
    )
  }
}
