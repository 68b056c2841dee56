// MaxIM SDK calls (spec/maxim-sdk/rest-calls.json) not yet answered as the SDK expects; each change that serves one removes it here.
export const PENDING_SDK_CALLS: ReadonlyMap<string, string> = new Map([])
