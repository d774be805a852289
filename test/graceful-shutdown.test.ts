import { randomUUID } from 'node:crypto';
import { postGraphQL } from './support/graphql-client';
import { acceptsConnections } from './support/raw-http';
import { BLACKLISTED_TOKENS, REVOKE_TOKEN } from './support/operations';
import { adminTokenOf, runService, useServiceData, type ServiceProcess } from './support/service-process';
import { waitFor } from './support/wait';

jest.setTimeout(60_000);

const serviceEnv = useServiceData('shutdown');

type Outcome = { jti: string; status: number | null; answeredAt: number };

describe('SIGTERM', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => service?.child.kill('SIGKILL'));

  it('finishes the requests in flight, refuses new ones, exits 0, and loses no acknowledged write', async () => {
    service = runService(serviceEnv());
    const baseUrl = await service.ready;
    const token = await adminTokenOf(baseUrl);

    const jtis = Array.from({ length: 60 }, () => randomUUID());
    let signalledAt = Number.POSITIVE_INFINITY;
    const revoke = (jti: string): Promise<Outcome> =>
      postGraphQL(`${baseUrl}/graphql`, REVOKE_TOKEN, { input: { jti, reason: 'shutdown test' } }, { token }).then(
        (response) => ({ jti, status: response.data ? response.status : -response.status, answeredAt: Date.now() }),
        () => ({ jti, status: null, answeredAt: Date.now() }),
      );
    const inFlight = jtis.map((jti) => revoke(jti));
    // Signal as soon as the first write is acknowledged, with the rest still on their way.
    await Promise.race(inFlight);
    signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const outcomes = await Promise.all(inFlight);
    // The signal is handled when the event loop next gets to it, which can be after all 60
    // answers: until then the service is not yet shutting down. Once it no longer accepts
    // connections it is, and a request on a kept-alive connection must find it closed.
    const port = Number(new URL(baseUrl).port);
    await waitFor(async () => !(await acceptsConnections(port)), 10_000, 'the service stops accepting connections', 5);
    const late = await revoke(randomUUID());
    expect(await service.exited).toBe(0);

    const acknowledged = outcomes.filter((outcome) => outcome.status === 200);
    const answeredAfterSignal = acknowledged.filter((outcome) => outcome.answeredAt >= signalledAt);
    console.log(
      `SIGTERM with ${jtis.length} revocations sent: ${acknowledged.length} acknowledged, ` +
        `${answeredAfterSignal.length} of them after the signal, ${outcomes.filter((o) => o.status === null).length} not answered`,
    );
    // No request was failed by the shutdown: each was either answered or never reached the server.
    expect(outcomes.filter((outcome) => outcome.status !== 200 && outcome.status !== null)).toEqual([]);
    expect(answeredAfterSignal.length).toBeGreaterThan(0);
    expect(late.status).toBeNull();
    expect(service.output()).toContain('"msg":"stopped"');

    service = runService(serviceEnv());
    const restartedUrl = await service.ready;
    const listing = await postGraphQL<{ blacklistedTokens: { edges: Array<{ node: { jti: string } }> } }>(
      `${restartedUrl}/graphql`,
      BLACKLISTED_TOKENS,
      { first: 100 },
      { token: await adminTokenOf(restartedUrl) },
    );
    const stored = new Set(listing.data?.blacklistedTokens.edges.map((edge) => edge.node.jti));
    expect(acknowledged.filter((outcome) => !stored.has(outcome.jti))).toEqual([]);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
