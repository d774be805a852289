import postgres from 'postgres';
import type { ListenHandlers } from './database';

/** `onnotify` is a postgres.js connection option its typings leave out (its own `sql.listen` uses it). */
type ListenerOptions = postgres.Options<Record<string, postgres.PostgresType>> & {
  onnotify: (channel: string, payload: string) => void;
};

/**
 * A dedicated connection for LISTEN, so that its loss is seen at once instead of silently re-listened.
 * LISTEN lasts as long as the session: `url` must not lead through a transaction pooler, which
 * hands the session's server connection to other clients after each statement.
 */
export async function listenOnPostgres(
  url: string,
  channel: string,
  handlers: ListenHandlers,
): Promise<() => Promise<void>> {
  let closedByUs = false;
  const options: ListenerOptions = {
    max: 1,
    idle_timeout: undefined,
    max_lifetime: null,
    connect_timeout: 5,
    fetch_types: false,
    prepare: false,
    onnotice: () => undefined,
    onnotify: (from, payload) => {
      if (from === channel) handlers.onNotify(payload);
    },
    onclose: () => {
      if (!closedByUs) handlers.onClose();
    },
  };
  const listener = postgres(url, options);
  const stop = async () => {
    closedByUs = true;
    await listener.end({ timeout: 1 });
  };
  try {
    await listener.unsafe(`listen "${channel.replace(/"/g, '""')}"`);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
