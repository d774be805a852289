// login + refreshToken with status lists on and off, each side a server process of its own.
import { postGraphQL } from '../test/support/graphql-client';
import { REFRESH, type AuthPayloadData } from '../test/support/operations';
import { percentile } from '../test/support/wait';
import type { Fleet } from './fleet';
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

/** One account signs in from one address all the time: the throttle would refuse it, rightly. */
const UNTHROTTLED = {
  LOGIN_THROTTLE_EMAIL_FREE: '10000',
  LOGIN_THROTTLE_EMAIL_MAX: '0',
  LOGIN_THROTTLE_ADDRESS_FREE: '10000',
  LOGIN_THROTTLE_ADDRESS_MAX: '0',
};

const CLIENTS = 8;

interface Side {
  server: ServerChild;
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

async function measureSide(side: Side, password: string, seconds: number): Promise<void> {
  const before = await side.server.stats();
  const pairs = await issuePairs(side.server, password, seconds);
  const after = await side.server.stats();
  side.pairsPerSecond.push(pairs / seconds);
  side.pairs += pairs;
  side.cpuMicros += after.cpuMicros - before.cpuMicros;
}

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
  const ratios: number[] = [];
  const pairRatios: number[] = [];
  const totals = { on: { pairs: 0, cpu: 0, rates: [] as number[] }, off: { pairs: 0, cpu: 0, rates: [] as number[] } };
  for (let pair = 0; pair < settings.processPairs; pair += 1) {
    // Any http(s) URL: tokens name their lists under it, and nothing fetches them here.
    const es256 = { ...UNTHROTTLED, JWT_ALGORITHM: 'ES256', JWT_ISSUER: 'http://127.0.0.1:9' };
    const [on, off] = await Promise.all([
      fleet.startServer(`issuing-on-${pair}`, fleet.embeddedDatabase(), 'mirror', es256, ['--cheap-scrypt']),
      fleet.startServer(`issuing-off-${pair}`, fleet.embeddedDatabase(), 'mirror', { ...es256, STATUS_LIST: 'off' }, [
        '--cheap-scrypt',
      ]),
    ]);
    const sides: Side[] = [on, off].map((server) => ({ server, pairsPerSecond: [], pairs: 0, cpuMicros: 0 }));
    try {
      if (settings.warmUp) for (const side of sides) await issuePairs(side.server, fleet.adminPassword, 1);
      for (let round = 0; round < settings.rounds; round += 1) {
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
          await measureSide(side, fleet.adminPassword, settings.seconds);
        }
      }
    } finally {
      await Promise.all([on.stop(), off.stop()]);
    }
    const [withLists, without] = sides as [Side, Side];
    const own = withLists.pairsPerSecond.map((rate, round) => rate / (without.pairsPerSecond[round] ?? Number.NaN));
    ratios.push(...own);
    pairRatios.push(percentile(own, 50));
    totals.on.pairs += withLists.pairs;
    totals.on.cpu += withLists.cpuMicros;
    totals.on.rates.push(...withLists.pairsPerSecond);
    totals.off.pairs += without.pairs;
    totals.off.cpu += without.cpuMicros;
    totals.off.rates.push(...without.pairsPerSecond);
    log(`issuing, process pair ${pair + 1}: median ratio ${percentile(own, 50).toFixed(3)} over ${own.length} rounds`);
  }
  return {
    issuingOn: percentile(totals.on.rates, 50),
    issuingOff: percentile(totals.off.rates, 50),
    issuingRatio: percentile(ratios, 50),
    pairRatios,
    cpuMicrosOn: totals.on.cpu / totals.on.pairs,
    cpuMicrosOff: totals.off.cpu / totals.off.pairs,
    rounds: ratios.length,
    processPairs: settings.processPairs,
  };
}
