// Refuses control characters and broken Unicode in every parameter of every route, before validation: new routes are covered without a line of their own.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { displayNameProblem, textProblem } from '../../domain/text.ts'

/** Installs the guard on `app` and every route registered on it afterwards, on every surface. */
export function textGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    checkText(request.params)
    checkText(request.query)
    checkText(request.body)
  })
}

/**
 * Throws BAD_PARAMETER naming the first string (or key) in `value` that is not acceptable text.
 * Walks with its own stack: a deeply nested body cannot exhaust the call stack.
 */
export function checkText(value: unknown): void {
  const stack: Array<[unknown, string]> = [[value, '']]
  while (stack.length > 0) {
    const [node, path] = stack.pop()!
    if (typeof node === 'string') {
      const problem = textProblem(node)
      if (problem) throw new DomainError('BAD_PARAMETER', `${path || 'the request body'} ${problem.reason}`, { zh: `${path || '请求内容'} ${problem.zh}` })
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${path}[${i}]`]))
    } else if (typeof node === 'object' && node !== null && !Buffer.isBuffer(node)) {
      for (const [key, item] of Object.entries(node)) {
        const name = path ? `${path}.${key}` : key
        const problem = textProblem(key)
        if (problem)
          throw new DomainError('BAD_PARAMETER', `the parameter name ${JSON.stringify(name)} ${problem.reason}`, {
            zh: `参数名 ${JSON.stringify(name)} ${problem.zh}`,
          })
        stack.push([item, name])
      }
    }
  }
}

/** For names read outside a schema (multipart fields): the same rule as the `display-name` format. */
export function checkDisplayName(value: string, name: string): string {
  const problem = displayNameProblem(value)
  if (problem) throw new DomainError('BAD_PARAMETER', `${name} ${problem.reason}`, { zh: `${name} ${problem.zh}` })
  return value
}
