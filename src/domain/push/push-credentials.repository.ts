// Queries on push_credentials: one row per app, provider and environment; the secret fields arrive and leave sealed.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'

export interface StoredCredentials {
  settings: Record<string, string>
  sealedSecret: string
  updatedAt: Date
}

export interface CredentialsKey {
  appId: string
  provider: number
  /** 0 production, 1 development (the column's meaning; the wire's `environment` is the other way round). */
  environment: number
}

/** Replaces the app's credentials for the provider and environment. */
export async function upsertCredentials(db: Db, key: CredentialsKey, settings: Record<string, string>, sealedSecret: string, now: Date): Promise<void> {
  const values = { settings: JSON.stringify(settings) as unknown as Record<string, unknown>, sealed_secret: sealedSecret, updated_at: now }
  await db
    .insertInto('push_credentials')
    .values({ app_id: key.appId, provider: key.provider, environment: key.environment, ...values })
    .onConflict((c) => c.columns(['app_id', 'provider', 'environment']).doUpdateSet(values))
    .execute()
}

export async function findCredentials(db: Db, key: CredentialsKey): Promise<StoredCredentials | undefined> {
  const row = await db
    .selectFrom('push_credentials')
    .select(['settings', 'sealed_secret', 'updated_at'])
    .where('app_id', '=', key.appId)
    .where('provider', '=', key.provider)
    .where('environment', '=', key.environment)
    .executeTakeFirst()
  if (!row) return undefined
  return { settings: row.settings as Record<string, string>, sealedSecret: row.sealed_secret, updatedAt: row.updated_at }
}

/** Whether the app has credentials for any provider. */
export async function appHasCredentials(db: Db, appId: string): Promise<boolean> {
  const row = await db
    .selectFrom('push_credentials')
    .select(sql<number>`1`.as('one'))
    .where('app_id', '=', appId)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}
