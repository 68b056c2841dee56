// REST /group: announcements (members read, admins write) and shared-file records (uploader or admin change them).
import t from 'tap'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { registerUser } from '../helpers/users.ts'
import { createGroup, restAs } from '../helpers/groups.ts'

t.test('REST group announcements and files', async (t) => {
  const app = await buildTestApp(t)
  const rest = restAs(app)
  const owner = await registerUser(app, 'owner')
  const admin = await registerUser(app, 'admin')
  const member = await registerUser(app, 'member')
  const other = await registerUser(app, 'other')
  const outsider = await registerUser(app, 'outsider')
  const groupId = await createGroup(app, owner, { name: 'News' }, [admin, member, other])
  await rest(owner, 'POST', '/group/admin/add', { group_id: groupId, user_list: [admin.userId] })

  await t.test('announcements: admins publish; members read one, the last and the list; admins delete', async (t) => {
    t.same(await rest(member, 'GET', `/group/announcement/last?group_id=${groupId}`), { code: 200, message: null, data: null }, 'none yet')
    t.match(await rest(member, 'POST', '/group/announcement/edit', { group_id: groupId, title: 't', content: 'c' }), { code: 20012 })
    const first = await rest(admin, 'POST', '/group/announcement/edit', { group_id: groupId, title: 'Hello', content: 'First news' })
    t.match(first.data, { author: admin.userId, content: 'First news', title: 'Hello', group_id: groupId, id: Number, created_at: Number })
    const second = await rest(owner, 'POST', '/group/announcement/edit', { group_id: groupId, content: 'Second news' })
    t.match(second.data, { title: '', content: 'Second news', author: owner.userId })
    t.same((await rest(member, 'GET', `/group/announcement?group_id=${groupId}&announcement_id=${first.data.id}`)).data, first.data)
    t.same((await rest(member, 'GET', `/group/announcement/last?group_id=${groupId}`)).data, second.data)
    t.same(
      (await rest(member, 'GET', `/group/announcement/list?group_id=${groupId}`)).data.map((a: { id: number }) => a.id),
      [second.data.id, first.data.id],
      'newest first',
    )
    t.match(await rest(outsider, 'GET', `/group/announcement/list?group_id=${groupId}`), { code: 20002 })
    t.match(await rest(member, 'GET', `/group/announcement?group_id=${groupId}&announcement_id=999999`), { code: 20020 })
    t.match(await rest(admin, 'POST', '/group/announcement/edit', { group_id: groupId }), { code: 10002, message: /content/ })

    t.match(await rest(member, 'POST', `/group/announcement/delete?group_id=${groupId}&announcement_id=${first.data.id}`), { code: 20012 })
    t.same(await rest(admin, 'POST', `/group/announcement/delete?group_id=${groupId}&announcement_id=${first.data.id}`), { code: 200, message: null, data: {} })
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/group/announcement/delete?group_id=${groupId}&announcement_id=${first.data.id}`,
      headers: { 'access-token': admin.token },
    })
    t.match(deleted.json(), { code: 20020 }, 'DELETE twin; already gone')
    const byAppAdmin = await rest(
      ADMIN_TOKEN,
      'POST',
      '/group/announcement/edit',
      { group_id: groupId, content: 'from the app' },
      { group_id: String(groupId) },
    )
    t.match(byAppAdmin.data, { author: 0, content: 'from the app' }, 'the admin token writes as nobody in particular')
  })

  await t.test('files: members add records; the uploader or an admin renames and deletes', async (t) => {
    const upload = (who: typeof member, name: string) =>
      rest(who, 'POST', '/group/file/upload', { group_id: groupId, name, size: 1234, type: 'pdf', url: `https://files.example/${name}` })
    const mine = await upload(member, 'plan.pdf')
    t.match(mine.data, {
      file_id: Number,
      group_id: groupId,
      name: 'plan.pdf',
      size: 1234,
      type: 'pdf',
      url: 'https://files.example/plan.pdf',
      uploader: member.userId,
      created_at: Number,
      updated_at: Number,
    })
    const theirs = await upload(other, 'notes.pdf')
    t.match(await upload(outsider, 'x.pdf'), { code: 20002 })
    t.match(await rest(member, 'POST', '/group/file/upload', { group_id: groupId, name: 'no-url', size: 1 }), { code: 10002, message: /url/ })

    t.same((await rest(other, 'GET', `/group/file?group_id=${groupId}&file_id=${mine.data.file_id}`)).data, mine.data)
    t.match(await rest(other, 'GET', `/group/file?group_id=${groupId}&file_id=999999`), { code: 20022 })
    t.same(
      (await rest(other, 'GET', `/group/file/list?group_id=${groupId}`)).data.map((f: { file_id: number }) => f.file_id),
      [mine.data.file_id, theirs.data.file_id],
    )
    t.match(await rest(outsider, 'GET', `/group/file/list?group_id=${groupId}`), { code: 20002 })

    t.match(await rest(other, 'POST', '/group/file/update_name', { group_id: groupId, file_id: mine.data.file_id, name: 'stolen.pdf' }), { code: 20023 })
    t.match(await rest(member, 'PUT', '/group/file/update_name', { group_id: groupId, file_id: mine.data.file_id, name: 'plan-v2.pdf' }), {
      code: 200,
      data: { name: 'plan-v2.pdf' },
    })
    t.match(await rest(admin, 'POST', '/group/file/update_name', { group_id: groupId, file_id: theirs.data.file_id, name: 'renamed.pdf' }), {
      code: 200,
      data: { name: 'renamed.pdf' },
    })
    t.match(await rest(admin, 'POST', '/group/file/update_name', { group_id: groupId, file_id: 999999, name: 'x' }), { code: 20022 })

    const del = await rest(other, 'POST', '/group/file/delete', { group_id: groupId, file_list: [mine.data.file_id, theirs.data.file_id, 999999] })
    t.same(del.data, [
      { file_id: mine.data.file_id, reason: 'only the uploader or an admin may delete this file', result: 'fail' },
      { file_id: theirs.data.file_id, reason: '', result: 'success' },
      { file_id: 999999, reason: 'shared file does not exist', result: 'fail' },
    ])
    const byAdmin = await app.inject({
      method: 'DELETE',
      url: '/group/file/delete',
      headers: { 'access-token': admin.token },
      payload: { group_id: groupId, file_list: [mine.data.file_id] },
    })
    t.match(byAdmin.json().data, [{ result: 'success' }], "DELETE twin; an admin deletes anyone's")
    t.same((await rest(member, 'GET', `/group/file/list?group_id=${groupId}`)).data, [])
  })
})
