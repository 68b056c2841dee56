// REST operations of spec/rest-api.json not served yet; each issue that routes one removes it here.
export const PENDING_OPERATIONS: ReadonlySet<string> = new Set([
  'GET /user/online_status',
  'GET /push/certificate',
  'POST /push/notify',
  'POST /push/task/detail',
  'GET /message/ack',
  'GET /message/conversation',
  'DELETE /message/conversation',
  'POST /message/notify',
  'PUT /message/notify',
  'POST /message/send',
  'PUT /message/send',
  'GET /message/unread',
])
