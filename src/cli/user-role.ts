import { notifyAccessChanged } from '../database/access-signal.js';
import { usernameKey } from '../users/users.service.js';
import { CliError, withDatabase } from './cli-db.js';

const ROLES = ['member', 'moderator', 'admin'];
const [username, role] = process.argv.slice(2);

if (!username || !role || !ROLES.includes(role)) {
  console.error(`Usage: npm run user:role -- <username> <${ROLES.join('|')}>`);
  process.exit(1);
}

await withDatabase(async ({ dataSource, embedded }) => {
  const changed = await dataSource.transaction(async (em) => {
    // TypeORM answers an UPDATE with [rows, rowCount]; the statement must start with UPDATE for the embedded
    // driver to say so too (a WITH … UPDATE came back as bare rows there, and every member looked unknown)
    const [rows]: [{ id: string; username: string; old_role: string }[], number] = await em.query(
      `UPDATE users u SET role = $1 FROM (SELECT id, role FROM users WHERE username_key = $2 FOR UPDATE) old
        WHERE u.id = old.id RETURNING u.id, u.username, old.role AS old_role`,
      [role, usernameKey(username)],
    );
    if (!rows.length) throw new CliError(`There is no member called "${username}".`);
    // open sockets joined their stories' rooms under the old role: every running instance ends them at commit
    if (rows[0].old_role !== role && !embedded) await notifyAccessChanged(em, rows[0].id);
    return rows[0];
  });
  console.log(`${changed.username} is now ${role === 'admin' ? 'an admin' : `a ${role}`}.`);
});
