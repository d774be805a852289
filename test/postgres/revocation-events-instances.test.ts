import { decodeJwtPart } from '../support/forge';
import { REVOKE_SESSION, REVOKE_TOKEN, REVOKE_USER_TOKENS } from '../support/operations';
import { basicAuth, firstOf, nextRevocation, openEvents, readState, nextHeartbeat } from '../support/revocation-events';
import { useInstances } from '../support/use-instances';

const CLIENT = 'orders-api';
const SECRET = 'an-orders-api-secret-of-at-least-32-chars';
const env = { OAUTH_CLIENTS: `${CLIENT}:${SECRET}` };
const {
  servers: [a, b],
} = useInstances({ env }, { env });

const claim = (token: string, name: string) => String(decodeJwtPart(token, 1)[name]);

it('a revocation committed on A arrives on a stream from B, every version in order', async () => {
  const admin = await a.loginAdmin();
  const reader = await openEvents(b.baseUrl, basicAuth(CLIENT, SECRET));
  try {
    const { state } = await readState(reader);
    const users = await Promise.all(Array.from({ length: 6 }, () => a.register()));
    const started = performance.now();
    // Concurrent writes on A: the log numbers them, and B's stream sends them in that order.
    await Promise.all(
      users
        .slice(0, 4)
        .map((user) =>
          a.gql(REVOKE_TOKEN, { input: { jti: claim(user.accessToken, 'jti') } }, { token: admin.accessToken }),
        ),
    );
    const [five, six] = users.slice(4) as [(typeof users)[number], (typeof users)[number]];
    await a.gql(REVOKE_SESSION, { id: claim(five.accessToken, 'sid') }, { token: admin.accessToken });
    await a.gql(REVOKE_USER_TOKENS, { userId: claim(six.accessToken, 'sub') }, { token: admin.accessToken });

    const received = [];
    for (let version = state.version + 1; received.length < 6; version += 1) {
      const event = await nextRevocation(reader);
      expect(event.version).toBe(version);
      expect(event.id).toBe(String(version));
      received.push(event);
    }
    console.log(
      `six revocations on A reached B's stream ${(performance.now() - started).toFixed(0)} ms after the first`,
    );
    expect(received.flatMap((event) => firstOf(event.jtis)).sort()).toEqual(
      users
        .slice(0, 4)
        .map((user) => claim(user.accessToken, 'jti'))
        .sort(),
    );
    expect(firstOf(received[4]?.sessions ?? [])).toEqual([claim(five.accessToken, 'sid')]);
    expect(firstOf(received[5]?.cutoffs ?? [])).toEqual([claim(six.accessToken, 'sub')]);
    const beat = await nextHeartbeat(reader, 1500);
    expect(beat).toMatchObject({ version: state.version + 6, current: true });
  } finally {
    reader.close();
  }
});
