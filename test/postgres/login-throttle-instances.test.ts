import { errorCode } from '../support/graphql-client';
import { expectRefused, newAddress, signIn, THROTTLE_ENV } from '../support/login-throttle';
import { TestClock } from '../support/test-clock';
import { USER_PASSWORD } from '../support/test-server';
import { useInstances } from '../support/use-instances';

const clock = new TestClock();
const {
  servers: [a, b],
} = useInstances({ env: THROTTLE_ENV, clock }, { env: THROTTLE_ENV, clock });

it('counts failed logins across instances, and a burst spread over them gets no extra guesses', async () => {
  clock.freeze();
  const { user } = await a.register();
  expect(errorCode(await signIn(a, user.email, 'wrong-password-123', newAddress()))).toBe('UNAUTHENTICATED');
  expect(errorCode(await signIn(b, user.email, 'wrong-password-123', newAddress()))).toBe('UNAUTHENTICATED');
  expect(errorCode(await signIn(a, user.email, 'wrong-password-123', newAddress()))).toBe('UNAUTHENTICATED');
  expectRefused(await signIn(b, user.email, USER_PASSWORD, newAddress()), 1);

  const { user: other } = await b.register();
  const burst = await Promise.all(
    Array.from({ length: 12 }, (_, i) => signIn(i % 2 ? a : b, other.email, 'wrong-password-123', newAddress())),
  );
  const codes = burst.map(errorCode);
  expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(3);
  expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(9);
});
