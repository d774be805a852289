// login + refreshToken with status lists on and off, each side a server process of its own.
import { postGraphQL } from '../test/support/graphql-client';
import { REFRESH, type AuthPayloadData } from '../test/support/operations';
import { percentile } from '../test/support/wait';
import { UNTHROTTLED, type Fleet } from './fleet';
import type { ServerChild } from './server-child';
import { signIn } from './tokens';

export interface IssuingResult {
  /** Pairs per second, median over every round of every process pair. */
  issuingOn: number;
  issuingOff: number;
  /** The median of each round's on/off ratio, over every round of every process pair. */
  issuingRatio: number;
  /** Each process pair's own median ratio: how much two fresh processes differ by themselves. */
  pairRatios: number[];
  /** Server CPU per pair, over every round (the embedded database runs inside the server). */
  cpuMicrosOn: number;
  cpuMicrosOff: number;
  rounds: number;
  processPairs: number;
}

const CLIENTS = 8;

/** One side's rounds, over every process pair, in round order. */
interface Side {
  pairsPerSecond: number[];
  pairs: number;
  cpuMicros: number;
}

/** login then refreshToken, by `CLIENTS` at once for `seconds`: the pairs completed. */
async function issuePairs(server: ServerChild, password: string, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let pairs = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const { refreshToken } = await signIn(server, password);
        const refreshed = await postGraphQL<{ refreshToken: AuthPayloadData }>(server.url, REFRESH, { refreshToken });
        if (!refreshed.data) throw new Error(`bench refresh failed on ${server.name}: ${refreshed.text}`);
        pairs += 1;
      }
    }),
  );
  return pairs;
}

async function measureRound(server: ServerChild, side: Side, password: string, seconds: number): Promise<void> {
  const before = await server.stats();
  const pairs = await issuePairs(server, password, seconds);
  const after = await server.stats();
  side.pairsPerSecond.push(pairs / seconds);
  side.pairs += pairs;
  side.cpuMicros += after.cpuMicros - before.cpuMicros;
}

/** Each round's on/off ratio: the machine's drift moves both runs of a round alike. */
const roundRatios = (on: Side, off: Side): number[] =>
  on.pairsPerSecond.map((rate, round) => rate / (off.pairsPerSecond[round] ?? Number.NaN));

/**
 * Two fresh processes, one issuing with status lists and one without, each on its own embedded
 * database, take the same load in turn, forward and backward from one round to the next. Several
 * such pairs are started one after the other: two processes of the same build differ by a few per
 * cent on their own (heap layout, what the JIT made of them), and one pair alone would report that
 * difference as the status list's.
 */
export async function measureIssuing(
  fleet: Fleet,
  settings: { processPairs: number; rounds: number; seconds: number; warmUp: boolean },
  log: (line: string) => void,
): Promise<IssuingResult> {
  const on: Side = { pairsPerSecond: [], pairs: 0, cpuMicros: 0 };
  const off: Side = { pairsPerSecond: [], pairs: 0, cpuMicros: 0 };
  const pairRatios: number[] = [];
  // Any http(s) URL: tokens name their lists under it, and nothing fetches them here.
  const es256 = { ...UNTHROTTLED, JWT_ALGORITHM: 'ES256', JWT_ISSUER: 'http://127.0.0.1:9' };
  for (let pair = 0; pair < settings.processPairs; pair += 1) {
    const servers = await Promise.all([
      fleet.startServer(`issuing-on-${pair}`, fleet.embeddedDatabase(), 'mirror', es256, ['--cheap-scrypt']),
      fleet.startServer(`issuing-off-${pair}`, fleet.embeddedDatabase(), 'mirror', { ...es256, STATUS_LIST: 'off' }, [
        '--cheap-scrypt',
      ]),
    ]);
    const sides = [
      { server: servers[0], side: on },
      { server: servers[1], side: off },
    ];
    const firstRound = on.pairsPerSecond.length;
    try {
      if (settings.warmUp) for (const { server } of sides) await issuePairs(server, fleet.adminPassword, 1);
      for (let round = 0; round < settings.rounds; round += 1) {
        for (const { server, side } of round % 2 === 0 ? sides : [...sides].reverse()) {
          await measureRound(server, side, fleet.adminPassword, settings.seconds);
        }
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    const own = roundRatios(on, off).slice(firstRound);
    pairRatios.push(percentile(own, 50));
    log(`issuing, process pair ${pair + 1}: median ratio ${percentile(own, 50).toFixed(3)} over ${own.length} rounds`);
  }
  const ratios = roundRatios(on, off);
  return {
    issuingOn: percentile(on.pairsPerSecond, 50),
    issuingOff: percentile(off.pairsPerSecond, 50),
    issuingRatio: percentile(ratios, 50),
    pairRatios,
    cpuMicrosOn: on.cpuMicros / on.pairs,
    cpuMicrosOff: off.cpuMicros / off.pairs,
    rounds: ratios.length,
    processPairs: settings.processPairs,
  };
}
