// The parameters of an old client's request, however it sent them: query string, urlencoded or JSON body, multipart text fields.
import type { FastifyRequest } from 'fastify'

export type Fields = Record<string, unknown>

/** A parsed query string or body that is an object of parameters (not a string, an array or a buffer). */
export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
}

/**
 * The text fields of a multipart form; files are read past (an action that takes no file ignores one).
 * Old apps post multipart forms for plain fields too, and Fastify leaves such a body unread.
 */
export async function multipartTextFields(request: FastifyRequest): Promise<Fields> {
  const fields: Fields = {}
  for await (const part of request.parts()) {
    if (part.type === 'field') fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value)
    else part.file.resume()
  }
  return fields
}

/**
 * Every parameter of the request in one object: the query string, then the body (urlencoded, JSON or the text
 * fields of a multipart form), the body winning where both name a field. `readMultipart` false leaves a
 * multipart body for the handler (a file upload).
 */
export async function requestFields(request: FastifyRequest, options: { readMultipart?: boolean } = {}): Promise<Fields> {
  const query = isFields(request.query) ? request.query : {}
  let body: Fields = {}
  if (request.isMultipart()) {
    if (options.readMultipart !== false) body = await multipartTextFields(request)
  } else if (isFields(request.body)) {
    body = request.body
  }
  return { ...query, ...body }
}
