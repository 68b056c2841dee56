// Turns a fixture request into an HTTP request: placeholders filled, form / JSON / multipart / text body encoded.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { FilePart, RequestSpec, RequestValue } from './fixture.ts'
import { readOutboxCode } from './outbox.ts'
import { FixtureError, type Variables } from './template.ts'

export interface ResolveContext {
  vars: Variables
  /** The fixture file, for multipart `path`s. */
  fixtureFile: string
  outboxFile?: string
}

export interface PreparedRequest {
  method: string
  /** Path and query string as sent, for reports. */
  path: string
  headers: Record<string, string>
  body?: string | FormData
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

async function resolveValue(value: unknown, ctx: ResolveContext): Promise<unknown> {
  if (typeof value === 'string') return ctx.vars.interpolate(value)
  if (isObject(value) && typeof value.$var === 'string' && Object.keys(value).length === 1) return ctx.vars.get(value.$var)
  if (isObject(value) && typeof value.$outbox === 'string') {
    return readOutboxCode(ctx.outboxFile, ctx.vars.interpolate(value.$outbox), value.purpose as string | undefined)
  }
  return value
}

async function asText(value: RequestValue, ctx: ResolveContext): Promise<string> {
  const resolved = await resolveValue(value, ctx)
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved)
}

async function textRecord(values: Record<string, RequestValue> | undefined, ctx: ResolveContext): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(values ?? {})) out[key] = await asText(value, ctx)
  return out
}

/** JSON bodies: strings are templates, `{"$var"}` inserts a captured value with its JSON type. */
async function resolveJson(value: unknown, ctx: ResolveContext): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveJson(item, ctx)))
  if (isObject(value) && !('$var' in value) && !('$outbox' in value)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = await resolveJson(item, ctx)
    return out
  }
  return resolveValue(value, ctx)
}

function fileContent(file: FilePart, fixtureFile: string): Buffer {
  let content: Buffer
  if (file.base64 !== undefined) content = Buffer.from(file.base64, 'base64')
  else {
    const full = resolve(dirname(fixtureFile), file.path!)
    try {
      content = readFileSync(full)
    } catch {
      throw new FixtureError(`multipart file ${file.path} not found (looked at ${full})`)
    }
  }
  if (file.padTo !== undefined && file.padTo > content.length) content = Buffer.concat([content, Buffer.alloc(file.padTo - content.length)])
  return content
}

export async function prepareRequest(spec: RequestSpec, ctx: ResolveContext): Promise<PreparedRequest> {
  let path = ctx.vars.interpolate(spec.path)
  const query = await textRecord(spec.query, ctx)
  if (Object.keys(query).length > 0) path += (path.includes('?') ? '&' : '?') + new URLSearchParams(query).toString()
  const headers = await textRecord(spec.headers, ctx)
  const hasHeader = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name)
  let body: string | FormData | undefined

  if (spec.form !== undefined) {
    body = new URLSearchParams(await textRecord(spec.form, ctx)).toString()
    if (!hasHeader('content-type')) headers['content-type'] = 'application/x-www-form-urlencoded'
  } else if (spec.json !== undefined) {
    body = JSON.stringify(await resolveJson(spec.json, ctx))
    if (!hasHeader('content-type')) headers['content-type'] = 'application/json'
  } else if (spec.multipart !== undefined) {
    const form = new FormData()
    for (const part of spec.multipart) {
      if ('file' in part) {
        const content = fileContent(part.file, ctx.fixtureFile)
        form.append(part.name, new Blob([content], { type: part.file.contentType ?? 'application/octet-stream' }), part.file.filename)
      } else {
        form.append(part.name, await asText(part.value, ctx))
      }
    }
    body = form
  } else if (spec.text !== undefined) {
    body = ctx.vars.interpolate(spec.text)
  }
  return { method: spec.method, path, headers, body }
}
