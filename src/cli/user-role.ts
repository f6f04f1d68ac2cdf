import { usernameKey } from '../users/users.service.js';
import { CliError, withDatabase } from './cli-db.js';

const ROLES = ['member', 'moderator', 'admin'];
const [username, role] = process.argv.slice(2);

await withDatabase(async ({ dataSource }) => {
  if (!username || !role || !ROLES.includes(role)) throw new CliError(`Usage: npm run user:role -- <username> <${ROLES.join('|')}>`);
  // TypeORM answers an UPDATE with [rows, rowCount]
  const [rows]: [{ username: string }[], number] = await dataSource.query('UPDATE users SET role = $1 WHERE username_key = $2 RETURNING username', [role, usernameKey(username)]);
  if (!rows.length) throw new CliError(`There is no member called "${username}".`);
  console.log(`${rows[0].username} is now ${role === 'admin' ? 'an admin' : `a ${role}`}.`);
});
