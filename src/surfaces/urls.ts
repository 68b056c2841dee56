// Absolute URLs for stored file paths: a value with a scheme is already absolute and is kept as is.

export function absoluteUrl(value: string, publicUrl: string): string {
  if (value === '' || /^[a-z][a-z0-9+.-]*:/i.test(value)) return value
  return `${publicUrl}/${value.replace(/^\/+/, '')}`
}
