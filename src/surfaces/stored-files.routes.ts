// GET /files/<folder>/<name>: stored files (avatars, covers) at stable URLs under PUBLIC_URL.
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../domain/errors.ts'
import type { FileStore } from '../platform/storage.ts'

export function storedFileRoutes(app: FastifyInstance, files: FileStore): void {
  /** GET /files/:folder/:name */
  app.get('/files/:folder/:name', {
    schema: {
      summary: 'a stored file; names are random, so the URL is the capability',
      tags: ['files'],
      params: Type.Object({ folder: Type.String(), name: Type.String() }),
    },
  }, async (request, reply) => {
    const { folder, name } = request.params as { folder: string; name: string }
    const file = await files.open(`${folder}/${name}`)
    if (!file) throw new DomainError('ROUTE_NOT_FOUND', 'no such file')
    return reply
      .header('content-type', file.mime)
      .header('content-length', file.size)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(file.stream)
  })
}
