// npm run migrate: bring the configured database to the latest migration and exit.
import { loadConfig } from '../config.ts'
import { openDatabase } from '../platform/db.ts'
import { migrateToLatest } from '../platform/migrate.ts'

const config = loadConfig()
const database = await openDatabase(config)
try {
  const applied = await migrateToLatest(database.db)
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already at the latest migration\n')
} finally {
  await database.close()
}
