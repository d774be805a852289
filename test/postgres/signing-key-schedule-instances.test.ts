import { Instances } from '../support/instances';
import { SIGNING_KEYS, type SigningKeyData } from '../support/operations';
import { TestClock } from '../support/test-clock';
import type { TestServer } from '../support/test-server';

// SIGNING_KEY_ROTATION_DAYS is checked on a timer by every instance. Two instances that find the
// same schedule due at the same moment must rotate once between them: the second to take the
// keys' lock reads them again under it and finds the rotation done.

const DAY_MS = 86_400_000;

let instances: Instances;
let a: TestServer;
let b: TestServer;
// One clock for both, as NTP gives instances: the schedule is what is being tested, not skew.
const clock = new TestClock();
beforeAll(async () => {
  instances = await Instances.create();
  const env = { SIGNING_KEY_ROTATION_DAYS: '1' };
  a = await instances.start({ clock, env });
  b = await instances.start({ clock, env });
});
afterAll(() => instances.stopAll());

async function keyStates(server: TestServer): Promise<string[]> {
  const admin = await server.loginAdmin();
  const keys = await server.gql<{ signingKeys: SigningKeyData[] }>(SIGNING_KEYS, {}, { token: admin.accessToken });
  if (!keys.data) throw new Error(JSON.stringify(keys.errors));
  return keys.data.signingKeys.map((key) => key.state);
}

it('rotates once when two instances find the schedule due at the same moment', async () => {
  expect(await keyStates(a)).toEqual(['ACTIVE']);
  clock.advance(DAY_MS);
  // Called in the same tick, both find the schedule due in the keys they hold, so both go on to
  // the lock: only the re-read under it can stop the second.
  const rotated = await Promise.all([
    a.server.services.signingKeys.rotateIfDue(),
    b.server.services.signingKeys.rotateIfDue(),
  ]);
  expect([...rotated].sort()).toEqual([false, true]);
  expect(await keyStates(b)).toEqual(['NEXT', 'ACTIVE']);
  // And neither rotates again while the new key waits to sign.
  expect(await Promise.all([a, b].map((instance) => instance.server.services.signingKeys.rotateIfDue()))).toEqual([
    false,
    false,
  ]);
});
