import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printAppSchema } from './schema';

export const SCHEMA_FILE = join(__dirname, '..', '..', 'schema.graphql');

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, printAppSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
