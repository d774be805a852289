import type { Fleet } from './fleet';
import type { BenchOptions } from './options';
import { frameworkConfiguration } from './overhead';
import { holdIdleSockets, type IdleSocketsResult } from './sockets';
import { measureThroughput, type ConfigurationResult } from './throughput';

/** The idle-socket measurement repeated on the framework alone, beside the service's own. */
export interface BareSocketsResult {
  idle: IdleSocketsResult;
  withoutSockets: ConfigurationResult;
  withSockets: ConfigurationResult;
}

/** graphql-ws accepts these sockets unchecked; the holder still sends a connection_init payload. */
const UNCHECKED_TOKEN = 'unchecked';

/**
 * What idle sockets cost a server that does nothing with them: a bare Apollo Server with
 * graphql-ws's own server, against the same bare server without sockets, in alternating rounds
 * of their own. Tells the part of the service's ratio owed to Node, ws and graphql-ws from the
 * part owed to what the service keeps per socket.
 */
export async function measureBareSockets(
  fleet: Fleet,
  options: BenchOptions,
  progress: (line: string) => void,
): Promise<BareSocketsResult> {
  const bare = await fleet.startBareApollo('bare-apollo-control');
  const withWebSockets = await fleet.startBareApollo('bare-apollo-idle-sockets', true);
  const idle = await holdIdleSockets(
    withWebSockets,
    Array.from({ length: options.idleSockets }, () => UNCHECKED_TOKEN),
  );
  try {
    const [withoutSockets, withSockets] = await measureThroughput(
      [
        { ...frameworkConfiguration(bare), id: 'embedded/bare-control' },
        {
          ...frameworkConfiguration(withWebSockets),
          id: 'embedded/bare-idle-sockets',
          label: `Bare Apollo Server 5 + graphql-ws, ${options.idleSockets} idle sockets open`,
          baselineId: 'embedded/bare-control',
        },
      ],
      options,
      progress,
    );
    if (!withoutSockets || !withSockets) throw new Error('the bare socket control measured nothing');
    return { idle: idle.result, withoutSockets, withSockets };
  } finally {
    idle.close();
  }
}
