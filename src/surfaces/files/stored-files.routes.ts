// GET /files/<folder>/<name>: stored files (avatars, covers) at stable URLs under PUBLIC_URL; GET /static/: default pictures.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { DomainError } from '../../domain/errors.ts'
import type { FileStore } from '../../platform/storage.ts'

/** The earlier URLs of the default pictures, still served for clients that kept them (the facade now shows documented-files.routes.ts's). */
const DEFAULT_AVATAR = 'static/default-avatar.png'
const DEFAULT_COVER = 'static/default-cover.png'
const ASSETS = fileURLToPath(new URL('../../../assets/', import.meta.url))
const STATIC = new Map([DEFAULT_AVATAR, DEFAULT_COVER].map((path) => [path.slice('static/'.length), readFileSync(join(ASSETS, path.slice('static/'.length)))]))

export function storedFileRoutes(app: FastifyInstance, files: FileStore): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()
  /** GET /static/:name */
  typed.get(
    '/static/:name',
    {
      schema: { summary: 'default pictures', tags: ['files'], params: Type.Object({ name: Type.String() }) },
    },
    async (request, reply) => {
      const image = STATIC.get(request.params.name)
      if (!image) throw new DomainError('ROUTE_NOT_FOUND', 'no such file')
      return reply.header('content-type', 'image/png').header('cache-control', 'public, max-age=86400').send(image)
    },
  )

  /** GET /files/:folder/:name */
  typed.get(
    '/files/:folder/:name',
    {
      schema: {
        summary: 'a stored file; names are random, so the URL is the capability',
        tags: ['files'],
        params: Type.Object({ folder: Type.String(), name: Type.String() }),
      },
    },
    async (request, reply) => {
      const { folder, name } = request.params
      return sendStoredFile(reply, files, `${folder}/${name}`)
    },
  )
}

/** Answers a stored file (also under the other paths it is served at); an unknown one is 404. */
export async function sendStoredFile(reply: FastifyReply, files: FileStore, path: string) {
  const file = await files.open(path)
  if (!file) throw new DomainError('ROUTE_NOT_FOUND', 'no such file')
  return reply
    .header('content-type', file.mime)
    .header('content-length', file.size)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('x-content-type-options', 'nosniff')
    .send(file.stream)
}
