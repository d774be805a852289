import type { Redis } from 'ioredis';
import { encodeNotice, type RevocationNotice } from '../revocation.notice';
import type { OrderedStream, StreamEnd } from './ordered-append';

/** The stream's key for a deployment. */
export function redisStreamOf(deployment: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(deployment)) throw new Error(`deployment name "${deployment}" is not [A-Za-z0-9_-]+`);
  return `${deployment}:revocations`;
}

/**
 * Appends notices whose versions follow the stream's last one, each as entry `<version>-1`; stops
 * at the first that does not. The last generated id outlives trimming, so an emptied stream keeps
 * its place. Answers {appended, last version (-1: no stream yet)}, or {-2, id} for a stream that
 * holds entries Token Warden did not write.
 */
const APPEND_IN_ORDER = `
local last = -1
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' and info[i + 1] ~= '0-0' then
      local major, minor = string.match(info[i + 1], '^(%d+)-(%d+)$')
      if minor ~= '1' then return {-2, info[i + 1]} end
      last = tonumber(major)
    end
  end
end
local appended = 0
for i = 2, #ARGV, 2 do
  local version = tonumber(ARGV[i])
  if last >= 0 and version ~= last + 1 then break end
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], ARGV[i] .. '-1', 'n', ARGV[i + 1])
  last = version
  appended = appended + 1
end
return {appended, last}
`;

/** A connection that can run the append script. */
export type AppendingRedis = Redis & {
  appendInOrder(key: string, maxLength: number, ...versionsAndPayloads: string[]): Promise<[number, number | string]>;
};

/** Gives `connection` the append script as a command. */
export function withAppendScript(connection: Redis): AppendingRedis {
  connection.defineCommand('appendInOrder', { numberOfKeys: 1, lua: APPEND_IN_ORDER });
  // defineCommand added the method the type names.
  return connection as AppendingRedis;
}

/** How much the stream keeps. */
export interface RedisStreamLimits {
  /** @default 100_000 */
  maxLength?: number;
}

/**
 * A deployment's Redis stream whose entry ids are the versions: Redis itself refuses an id at or
 * below the last one, and the script appends a version only after the one before it.
 */
export class RedisStream implements OrderedStream {
  readonly key: string;

  /** `writer` answers the publishing connection, null before the first publish. */
  constructor(
    deployment: string,
    private readonly limits: RedisStreamLimits,
    private readonly writer: () => AppendingRedis | null,
  ) {
    this.key = redisStreamOf(deployment);
  }

  async append(notices: readonly RevocationNotice[]): Promise<'appended' | StreamEnd> {
    const writer = this.writer();
    if (!writer) throw new Error('no Redis publisher');
    const args = notices.flatMap((notice) => [String(notice.version), encodeNotice(notice)]);
    const [appended, last] = await writer.appendInOrder(this.key, this.limits.maxLength ?? 100_000, ...args);
    if (appended === -2) {
      throw new Error(`Redis stream ${this.key} holds entry ${last}, which Token Warden did not write`);
    }
    if (appended === notices.length) return 'appended';
    const version = Number(last);
    return { version: version < 0 ? null : version, position: version };
  }
}
