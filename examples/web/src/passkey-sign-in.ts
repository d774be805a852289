import { keepAccessToken } from './access-token';
import { client } from './client';
import { FINISH_PASSKEY_SIGN_IN, START_PASSKEY_SIGN_IN } from './operations';
import { outcomeOf, type Outcome } from './outcome';
import { ceremony } from './passkey-ceremony';

/**
 * No password: the passkey, unlocked by the person's PIN or biometric, is both factors. Sent while
 * signed in (the client adds the bearer token), it steps up the session instead of starting one.
 */
export async function signInWithPasskey(email: string): Promise<Outcome<true>> {
  const started = outcomeOf(await client.mutation(START_PASSKEY_SIGN_IN, email === '' ? {} : { email }).toPromise());
  if (!started.ok) return started;
  const options = started.data.startPasskeySignIn as unknown as PublicKeyCredentialRequestOptionsJSON;
  const response = await ceremony(() =>
    navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) }),
  );
  if (!response.ok) return response;
  const finished = outcomeOf(await client.mutation(FINISH_PASSKEY_SIGN_IN, { response: response.data }).toPromise());
  if (!finished.ok) return finished;
  keepAccessToken(finished.data.finishPasskeySignIn.accessToken);
  return { ok: true, data: true };
}
