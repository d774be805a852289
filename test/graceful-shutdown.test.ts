import { randomUUID } from 'node:crypto';
import { postGraphQL } from './support/graphql-client';
import { acceptsConnections, postOnNewConnection, type Delivery } from './support/raw-http';
import { BLACKLISTED_TOKENS, REVOKE_TOKEN } from './support/operations';
import { adminTokenOf, runService, useServiceData, type ServiceProcess } from './support/service-process';
import { waitFor } from './support/wait';

jest.setTimeout(60_000);

const serviceEnv = useServiceData('shutdown');

type Outcome = { jti: string; delivery: Delivery; answeredAt: number };

const revokeBody = (jti: string) =>
  JSON.stringify({ query: REVOKE_TOKEN, variables: { input: { jti, reason: 'shutdown test' } } });

const acknowledges = (outcome: Outcome) =>
  outcome.delivery.kind === 'answered' &&
  outcome.delivery.status === 200 &&
  (JSON.parse(outcome.delivery.body) as { data?: { revokeToken?: unknown } }).data?.revokeToken != null;

describe('SIGTERM', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => service?.child.kill('SIGKILL'));

  it('finishes the requests in flight, refuses new ones, exits 0, and loses no acknowledged write', async () => {
    service = runService(serviceEnv());
    const baseUrl = await service.ready;
    const token = await adminTokenOf(baseUrl);
    const port = Number(new URL(baseUrl).port);
    // Each request on a connection of its own, its body sent once the service has answered 100
    // Continue, so that a failure tells whether the operation went out: refused, or ended before
    // the service took the request (a connection still in the listen queue when it closes), is
    // safe to retry; cut once the body was sent is not. (On a kept-alive connection a request can
    // cross the close of that idle connection: HTTP leaves that to the client, RFC 9112 9.3.1.)
    const revoke = (jti: string, options: Parameters<typeof postOnNewConnection>[2] = {}): Promise<Outcome> =>
      postOnNewConnection(port, revokeBody(jti), { token, ...options }).then((delivery) => ({
        jti,
        delivery,
        answeredAt: Date.now(),
      }));

    // Requests the service has taken but is still receiving when it stops listening: their
    // bodies are sent only then, and they must be answered too.
    let stoppedListening!: () => void;
    const listenerClosed = new Promise<void>((resolve) => (stoppedListening = resolve));
    const taken: Array<Promise<void>> = [];
    const held = Array.from({ length: 4 }, () => {
      let onTaken!: () => void;
      taken.push(new Promise<void>((resolve) => (onTaken = resolve)));
      return revoke(randomUUID(), { holdUntil: listenerClosed, onTaken });
    });
    await Promise.all(taken);

    const jtis = Array.from({ length: 60 }, () => randomUUID());
    const inFlight = jtis.map((jti) => revoke(jti));
    // Signal as soon as the first write is acknowledged, with the rest still on their way.
    await Promise.race(inFlight);
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const outcomes = await Promise.all(inFlight);
    // The signal is handled when the event loop next gets to it, which can be after all 60
    // answers: until then the service is not yet shutting down. Once it no longer accepts
    // connections it is, and a request sent now must be refused before a byte of it is sent.
    await waitFor(async () => !(await acceptsConnections(port)), 10_000, 'the service stops accepting connections', 5);
    stoppedListening();
    const late = await postOnNewConnection(port, revokeBody(randomUUID()), { token });
    const heldOutcomes = await Promise.all(held);
    expect(await service.exited).toBe(0);

    const acknowledged = [...outcomes, ...heldOutcomes].filter(acknowledges);
    const answeredAfterSignal = outcomes.filter(acknowledges).filter((outcome) => outcome.answeredAt >= signalledAt);
    console.log(
      `SIGTERM with ${jtis.length} revocations sent: ${outcomes.filter(acknowledges).length} acknowledged, ` +
        `${answeredAfterSignal.length} of them after the signal, ` +
        `${outcomes.filter((o) => ['refused', 'not taken'].includes(o.delivery.kind)).length} never taken`,
    );
    // No request was failed by the shutdown: each was answered, or never taken (refused, or
    // ended before the service answered 100 Continue); none was cut once its body was sent.
    const failed = outcomes.filter(
      (outcome) => !acknowledges(outcome) && !['refused', 'not taken'].includes(outcome.delivery.kind),
    );
    expect(failed).toEqual([]);
    expect(answeredAfterSignal.length).toBeGreaterThan(0);
    expect(heldOutcomes.filter((outcome) => !acknowledges(outcome))).toEqual([]);
    expect(late.kind).toBe('refused');
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
