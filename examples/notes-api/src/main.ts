import 'reflect-metadata';
import { join } from 'node:path';
import { createTokenWarden } from 'token-warden';
import { resolvers } from './resolvers';

async function main(): Promise<void> {
  // Configuration comes from the environment, read exactly as Token Warden's own `npm start` does.
  const warden = await createTokenWarden({
    resolvers,
    migrations: { folder: join(__dirname, '..', 'drizzle'), table: '__notes_api_migrations' },
  });
  await warden.start();
  const stop = () => {
    warden.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`notes-api failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
