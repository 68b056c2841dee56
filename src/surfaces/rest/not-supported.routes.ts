// MaxIM's vendor-only services its SDK calls (WeChat, QR login, support staff, real-name checks): HTTP 200 and a clear "not supported".
import type { FastifyInstance, HTTPMethods } from 'fastify'
import { Type } from 'typebox'
import { DomainError } from '../../domain/errors.ts'
import { restOperation } from './route.ts'

/**
 * A route, not the 404 of an unknown one: the web SDK never reads the body of a non-2xx answer, and
 * five of them in a row make it fail over to another server.
 */
const VENDOR_ONLY: ReadonlyArray<readonly [HTTPMethods[], string, string]> = [
  [['GET'], '/app/qr_code', 'QR-code login'],
  [['GET'], '/app/qr_login', 'QR-code login'],
  [['GET'], '/app/official_account/qrcode', 'WeChat official-account login'],
  [['GET'], '/app/official_account/qrcode_status', 'WeChat official-account login'],
  [['GET'], '/app/official_account/login', 'WeChat official-account login'],
  [['GET'], '/app/official_account/is_bind', 'WeChat official-account login'],
  [['GET'], '/app/wechat_login', 'WeChat login'],
  [['POST'], '/app/wechat/bind', 'WeChat binding'],
  [['POST'], '/app/wechat/unbind', 'WeChat binding'],
  [['GET'], '/app/wechat/is_bind', 'WeChat binding'],
  [['POST'], '/app/generate_url_link', 'WeChat mini-program links'],
  [['GET', 'POST'], '/app/secret_info', 'WeChat mini-program sign-in'],
  [['GET'], '/app/support_staff', "MaxIM's customer-service contacts"],
  [['GET'], '/app/user_verification', 'real-name verification'],
  [['POST'], '/app/user_verification_by_mobile', 'real-name verification'],
]

export function notSupportedRoutes(app: FastifyInstance): void {
  for (const [method, url, feature] of VENDOR_ONLY) {
    /** GET|POST /app/…: answers 10021 */
    restOperation(app, {
      method,
      url,
      summary: `${feature}（MaxIM 专有服务，本服务不提供：返回 10021）`,
      auth: 'public',
      in: 'query',
      data: Type.Null(),
      handler: async () => {
        throw new DomainError('NOT_SUPPORTED', `${feature} (${url}) is a MaxIM service this gateway does not provide`)
      },
    })
  }
}
