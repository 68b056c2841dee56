// Device platform codes (semantics §5) and their guess from a User-Agent.

export const PLATFORM = { unknown: 0, ios: 1, android: 2, windows: 3, mac: 4, linux: 5, web: 6 } as const

export function platformFromUserAgent(userAgent: string | undefined): number {
  if (!userAgent) return PLATFORM.unknown
  // Order matters: Android UAs say Linux, iOS UAs say "like Mac OS X", browsers say Mozilla.
  if (/android/i.test(userAgent)) return PLATFORM.android
  if (/iphone|ipad|ipod|\bios\b|darwin.*cfnetwork/i.test(userAgent)) return PLATFORM.ios
  if (/mozilla|chrome|safari|firefox|edg\//i.test(userAgent)) return PLATFORM.web
  if (/windows/i.test(userAgent)) return PLATFORM.windows
  if (/mac ?os|macintosh/i.test(userAgent)) return PLATFORM.mac
  if (/linux/i.test(userAgent)) return PLATFORM.linux
  return PLATFORM.unknown
}
