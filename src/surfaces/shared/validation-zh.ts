// Schema validation failures in Chinese, naming the parameter, for the surfaces whose users read Chinese (legacy, facade).
import type { FastifyError } from 'fastify'
import { DISPLAY_NAME_FORMAT } from './wire.ts'

type ValidationItem = NonNullable<FastifyError['validation']>[number]

/** The parameter a validation failure is about, as the client named it (`userVO.userName`, `groupId`). */
export function parameterOf(item: ValidationItem): string {
  const missing = (item.params as { missingProperty?: string } | undefined)?.missingProperty
  if (missing) return missing
  return item.instancePath.replace(/^\//, '').replace(/\//g, '.')
}

/** "缺少参数 groupId", "userVO.sex 长度不能超过 8 个字符", …: what is wrong, in the words of the documents' users. */
export function describeValidationZh(error: Partial<FastifyError>): string {
  const item = error.validation?.[0]
  if (!item) return '请求参数不正确'
  const name = parameterOf(item)
  const params = (item.params ?? {}) as { limit?: number; type?: string }
  const subject = name === '' ? '请求参数' : name
  switch (item.keyword) {
    case 'required':
      return `缺少参数 ${name}`
    case 'type':
      return `${subject} 格式不正确`
    case 'minLength':
      return params.limit === 1 ? `${subject} 不能为空` : `${subject} 至少需要 ${params.limit} 个字符`
    case 'maxLength':
      return `${subject} 长度不能超过 ${params.limit} 个字符`
    case 'minimum':
      return `${subject} 不能小于 ${params.limit}`
    case 'maximum':
      return `${subject} 不能大于 ${params.limit}`
    case 'minItems':
      return `${subject} 至少需要 ${params.limit} 项`
    case 'maxItems':
      return `${subject} 不能超过 ${params.limit} 项`
    case 'format':
      return (item.params as { format?: string }).format === DISPLAY_NAME_FORMAT
        ? `${subject} 不能包含换行、不可见字符或文字方向控制字符`
        : `${subject} 格式不正确`
    case 'additionalProperties':
      return `不支持参数 ${(item.params as { additionalProperty?: string }).additionalProperty ?? ''}`.trim()
    default:
      return `${subject} 取值不正确`
  }
}
