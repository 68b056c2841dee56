// /message/* (002 §6): send, notify, history, recent conversations with unread counts, read receipts, conversation deletion.
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { Type } from 'typebox'
import type { TargetKind } from '../../domain/messages/messages.types.ts'
import type { SendInput } from '../../domain/messages/messages.service.ts'
import { restOperation } from './route.ts'
import {
  AckParams,
  DeleteConversationParams,
  HistoryData,
  HistoryParams,
  NotifyParams,
  renderSummary,
  SendData,
  SendExtra,
  SendParams,
  UnreadData,
} from './message.schemas.ts'
import { renderItem } from '../shared/message-item.ts'

const Ok = Type.Boolean({ description: '结果数据' })

/** A target or conversation type, which its schema bounds to 1 (a user) or 2 (a group). */
function targetKind(type: number): TargetKind {
  return type === 2 ? 2 : 1
}

/** The type a client sent beside an id, if any: it decides; without one the id names its conversation. */
function givenKind(type: number | undefined): TargetKind | undefined {
  return type === undefined ? undefined : targetKind(type)
}

function sendInput(p: Static<typeof NotifyParams> & { related_mid?: number }, targetType: TargetKind): SendInput {
  return {
    targetType,
    targets: p.targets,
    contentType: p.content_type,
    content: p.content,
    attachment: p.attachment,
    config: p.config,
    ext: p.ext,
    relatedMid: p.related_mid,
    transactionId: p.transaction_id,
    fromUserId: p.from_user_id,
  }
}

export function messageRoutes(app: FastifyInstance): void {
  const { messages, conversations } = app.services

  for (const [url, summary, auth, params, use] of [
    ['/message/send', '发送消息', 'any', SendParams, 'send'],
    ['/message/notify', '发送系统通知', 'admin', NotifyParams, 'notify'],
  ] as const) {
    /** POST/PUT /message/send, /message/notify */
    restOperation(app, {
      method: ['POST', 'PUT'],
      url,
      summary,
      auth,
      params,
      data: SendData,
      extra: SendExtra,
      handler: async (p, { actor }) => {
        const sent = await messages[use](actor, sendInput(p, await conversations.targetKind(actor.appId, p.targets, givenKind(p.type))))
        return { data: true, msg_ids: sent.msgIds }
      },
    })
  }

  /** GET /message/conversation */
  restOperation(app, {
    method: 'GET',
    url: '/message/conversation',
    summary: '取指定会话的消息',
    auth: 'user',
    params: HistoryParams,
    data: HistoryData,
    handler: async (p, { actor, userId }) => {
      const ref = await conversations.ref(actor.appId, p.opposite_id, givenKind(p.type))
      const page = await messages.history({ ...actor, userId }, ref, p.msg_id_start, p.limit)
      return { messages: page.messages.map(renderItem), messages_size: page.messages.length, next_msg_id: page.nextMsgId, is_last: page.isLast }
    },
  })

  /** DELETE /message/conversation */
  restOperation(app, {
    method: 'DELETE',
    url: '/message/conversation',
    summary: '删除用户的指定会话',
    auth: 'user',
    in: 'query',
    params: DeleteConversationParams,
    data: Ok,
    handler: async (p, { actor, userId }) => {
      await messages.deleteConversation({ ...actor, userId }, await conversations.ref(actor.appId, p.conversation_id, givenKind(p.type)))
      return true
    },
  })

  /** GET /message/unread */
  restOperation(app, {
    method: 'GET',
    url: '/message/unread',
    summary: '取指定用户的最近会话列表',
    auth: 'user',
    data: UnreadData,
    handler: async (_p, { actor, userId }) => (await messages.recent({ ...actor, userId })).map(renderSummary),
  })

  /** GET /message/ack */
  restOperation(app, {
    method: 'GET',
    url: '/message/ack',
    summary: '发送已读回执',
    auth: 'user',
    params: AckParams,
    data: Ok,
    handler: async (p, { actor, userId }) => {
      await messages.ack({ ...actor, userId }, p.msg_id, p.conversation_id)
      return true
    },
  })
}
