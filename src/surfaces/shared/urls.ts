// Absolute URLs for stored file paths (a value with a scheme is kept as is), and the paths the old documents print (stored files, default pictures).

export function absoluteUrl(value: string, publicUrl: string): string {
  if (value === '' || /^[a-z][a-z0-9+.-]*:/i.test(value)) return value
  return `${publicUrl}/${value.replace(/^\/+/, '')}`
}

/** Stored-file folders (served at `files/<folder>/`) mapped to the path an old document prints for them. */
export type PathShapes = Readonly<Record<string, string>>

/** 000/001 print uploaded user photos as `upload/images/userPhoto/<name>`. */
export const LEGACY_PATHS: PathShapes = { 'files/avatars/': 'upload/images/userPhoto/' }
/** 003 prints avatars as `media/avatar/<name>` and group covers as `media/group/<name>`. */
export const FACADE_PATHS: PathShapes = { 'files/avatars/': 'media/avatar/', 'files/covers/': 'media/group/' }

/** The facade's picture for a user without an avatar, where 003's member list shows it (served by files/documented-files.routes.ts). */
export const DEFAULT_AVATAR_PATH = 'media/avatar/default.jpg'
/** The facade's picture for a group without a cover, where 003's retrieve shows it. */
export const DEFAULT_COVER_PATH = 'media/assets/media/avatar/default.jpg'

/** The same stored file under a document's path shape; anything else (an absolute URL, '') is kept. */
export function documentedPath(value: string, shapes: PathShapes): string {
  for (const [stored, documented] of Object.entries(shapes)) {
    if (value.startsWith(stored)) return documented + value.slice(stored.length)
  }
  return value
}
