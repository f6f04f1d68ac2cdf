import { withDatabase } from './cli-db.js';

const revert = process.argv.includes('--revert');

await withDatabase(
  async ({ dataSource }) => {
    if (revert) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration.');
      return;
    }
    const done = await dataSource.runMigrations({ transaction: 'each' });
    console.log(done.length ? `Applied ${done.length} migration(s): ${done.map((m) => m.name).join(', ')}` : 'The database is up to date.');
  },
  // openDatabase would migrate under the advisory lock itself; here the command does it explicitly
  { migrate: !revert },
);
