import { withDatabase } from './cli-db.js';
import { seedDemo } from './seed.js';

await withDatabase(async ({ dataSource }) => seedDemo(dataSource));
