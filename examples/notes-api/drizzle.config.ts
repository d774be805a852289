import { defineConfig } from 'drizzle-kit';

// Only the app's own tables: Token Warden's are created by its own migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/notes/note.table.ts',
  out: './drizzle',
});
