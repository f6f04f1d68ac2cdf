// `npm run embedded-template`: stores the data folder a new embedded database starts from, for the installed PGlite
// version (embedded/pglite-<version>.tar.gz). Run it after upgrading PGlite, and commit the file; until then a new
// embedded database is made by initdb, as test/embedded-template.spec.ts points out.
import { createEmbeddedTemplate } from '../database/data-source.js';

const { file, bytes } = await createEmbeddedTemplate();
console.log(`Wrote ${file} (${(bytes / 1e6).toFixed(1)} MB).`);
