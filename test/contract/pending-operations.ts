// REST operations of spec/rest-api.json not served yet; each issue that routes one removes it here.
export const PENDING_OPERATIONS: ReadonlySet<string> = new Set([])
