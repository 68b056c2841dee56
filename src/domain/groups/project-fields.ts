// The legacy project fields (projectName, groupType) as the `ext` JSON of a group carries them (semantics §6: one fact).
import { DomainError } from '../errors.ts'

/** The project fields an `ext` JSON object names; anything but a JSON object names none. */
export function projectFields(ext: string): { projectName?: string; groupType?: number } {
  let parsed: unknown
  try {
    parsed = JSON.parse(ext)
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
  const { projectName, groupType } = parsed as Record<string, unknown>
  const fields: { projectName?: string; groupType?: number } = {}
  if (projectName !== undefined) {
    if (typeof projectName !== 'string') throw new DomainError('BAD_PARAMETER', 'ext.projectName must be a string')
    fields.projectName = projectName
  }
  if (groupType !== undefined) {
    const kind = Number(groupType)
    if (kind !== 1 && kind !== 2) throw new DomainError('BAD_PARAMETER', 'ext.groupType must be 1 (project group) or 2 (shareholder group)')
    fields.groupType = kind
  }
  return fields
}

/**
 * The ext with its groupType key set to the project kind, so REST reads in `ext` what the legacy surface set
 * (semantics §6: one fact). A JSON object keeps its other keys and the JSON type its groupType had; an empty ext
 * becomes `{"groupType":n}`; any other ext is not JSON this service may rewrite and stays as it is.
 */
export function extWithGroupType(ext: string, groupType: number): string {
  if (ext.trim() === '') return JSON.stringify({ groupType })
  let parsed: unknown
  try {
    parsed = JSON.parse(ext)
  } catch {
    return ext
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return ext
  const previous = (parsed as Record<string, unknown>).groupType
  return JSON.stringify({ ...parsed, groupType: typeof previous === 'string' ? String(groupType) : groupType })
}
