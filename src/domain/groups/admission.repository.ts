// Queries on group applications, invitations and the apps' QR signing keys; plain functions over a Kysely instance or transaction.
import { sql } from 'kysely'
import type { Db } from '../../platform/db.ts'
import type { GroupApplicationRow, GroupInvitationRow } from '../../platform/tables.ts'
import type { Application, Invitation } from './groups.types.ts'

function toApplication(row: GroupApplicationRow): Application {
  return {
    id: row.id,
    groupId: row.group_id,
    applicantId: row.applicant_id,
    reason: row.reason,
    status: row.status,
    expiresAt: row.expires_at.getTime(),
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  }
}

function toInvitation(row: GroupInvitationRow): Invitation {
  return {
    id: row.id,
    groupId: row.group_id,
    inviterId: row.inviter_id,
    inviteeId: row.invitee_id,
    reason: row.reason,
    status: row.status,
    expiresAt: row.expires_at.getTime(),
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  }
}

// ---- applications

/** A new pending application, or the user's earlier one made pending again with the new reason. */
export async function upsertApplication(db: Db, groupId: number, applicantId: number, reason: string, expiresAt: Date, status = 0): Promise<Application> {
  const row = await db
    .insertInto('group_applications')
    .values({ group_id: groupId, applicant_id: applicantId, reason, status, expires_at: expiresAt })
    .onConflict((c) => c.columns(['group_id', 'applicant_id']).doUpdateSet({ reason, status, expires_at: expiresAt, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow()
  return toApplication(row)
}

export async function findApplication(db: Db, groupId: number, applicantId: number): Promise<Application | undefined> {
  const row = await db
    .selectFrom('group_applications')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('applicant_id', '=', applicantId)
    .forUpdate()
    .executeTakeFirst()
  return row && toApplication(row)
}

export async function setApplicationStatus(db: Db, id: number, status: number): Promise<void> {
  await db
    .updateTable('group_applications')
    .set({ status, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}

export async function applicationPage(db: Db, groupIds: number[], afterId: number, limit: number): Promise<{ rows: Application[]; total: number }> {
  const rows = await db
    .selectFrom('group_applications')
    .selectAll()
    .where('group_id', 'in', groupIds)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit + 1)
    .execute()
  const { total } = await db
    .selectFrom('group_applications')
    .select(sql<number>`count(*)::int`.as('total'))
    .where('group_id', 'in', groupIds)
    .executeTakeFirstOrThrow()
  return { rows: rows.map(toApplication), total }
}

// ---- invitations

export async function upsertInvitation(db: Db, groupId: number, inviterId: number | null, inviteeId: number, reason: string, expiresAt: Date): Promise<void> {
  await db
    .insertInto('group_invitations')
    .values({ group_id: groupId, inviter_id: inviterId, invitee_id: inviteeId, reason, expires_at: expiresAt })
    .onConflict((c) =>
      c.columns(['group_id', 'invitee_id']).doUpdateSet({ inviter_id: inviterId, reason, status: 0, expires_at: expiresAt, updated_at: sql`now()` }),
    )
    .execute()
}

export async function findInvitation(db: Db, groupId: number, inviteeId: number): Promise<Invitation | undefined> {
  const row = await db
    .selectFrom('group_invitations')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('invitee_id', '=', inviteeId)
    .forUpdate()
    .executeTakeFirst()
  return row && toInvitation(row)
}

export async function setInvitationStatus(db: Db, id: number, status: number): Promise<void> {
  await db
    .updateTable('group_invitations')
    .set({ status, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}

/** Invitations addressed to the user, in groups of the app that still exist. */
export async function invitationPage(db: Db, appId: string, inviteeId: number, afterId: number, limit: number): Promise<{ rows: Invitation[]; total: number }> {
  const base = () =>
    db
      .selectFrom('group_invitations as i')
      .innerJoin('groups as g', 'g.id', 'i.group_id')
      .where('i.invitee_id', '=', inviteeId)
      .where('g.app_id', '=', appId)
      .where('g.status', '=', 0)
  const rows = await base()
    .selectAll('i')
    .where('i.id', '>', afterId)
    .orderBy('i.id')
    .limit(limit + 1)
    .execute()
  const { total } = await base()
    .select(sql<number>`count(*)::int`.as('total'))
    .executeTakeFirstOrThrow()
  return { rows: rows.map(toInvitation), total }
}

// ---- QR signing key

/** The app's QR signing key, created on first use; concurrent first uses agree on one key. */
export async function qrKey(db: Db, appId: string, fresh: string): Promise<string> {
  await db
    .insertInto('group_qr_keys')
    .values({ app_id: appId, secret: fresh })
    .onConflict((c) => c.column('app_id').doNothing())
    .execute()
  const row = await db.selectFrom('group_qr_keys').select('secret').where('app_id', '=', appId).executeTakeFirstOrThrow()
  return row.secret
}

/** The app's QR signing key if it has one. */
export async function findQrKey(db: Db, appId: string): Promise<string | undefined> {
  const row = await db.selectFrom('group_qr_keys').select('secret').where('app_id', '=', appId).executeTakeFirst()
  return row?.secret
}

/** A closed account's applications to groups and invitations to it go. */
export async function deleteAdmissionsOf(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('group_applications').where('applicant_id', '=', userId).execute()
  await db.deleteFrom('group_invitations').where('invitee_id', '=', userId).execute()
}
