import { client } from './client';
import type { MyPasskeysQuery } from './generated/graphql';
import { FINISH_PASSKEY_REGISTRATION, MY_PASSKEYS, REMOVE_PASSKEY, START_PASSKEY_REGISTRATION } from './operations';
import type { Outcome } from './outcome';
import { ceremony } from './passkey-ceremony';
import { withAccessToken } from './session';
import { withStepUp, type AskForProof } from './step-up';

export type PasskeyItem = MyPasskeysQuery['myPasskeys'][number];

export async function listPasskeys(): Promise<Outcome<PasskeyItem[]>> {
  const outcome = await withAccessToken(() => client.query(MY_PASSKEYS, {}).toPromise());
  return outcome.ok ? { ok: true, data: outcome.data.myPasskeys } : outcome;
}

export async function addPasskey(name: string, ask: AskForProof): Promise<Outcome<true>> {
  const started = await withStepUp(() => client.mutation(START_PASSKEY_REGISTRATION, {}).toPromise(), ask);
  if (!started.ok) return started;
  const options = started.data.startPasskeyRegistration as unknown as PublicKeyCredentialCreationOptionsJSON;
  const response = await ceremony(() =>
    navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) }),
  );
  if (!response.ok) return response;
  const finished = await withAccessToken(() =>
    client.mutation(FINISH_PASSKEY_REGISTRATION, { response: response.data, name: name || null }).toPromise(),
  );
  return finished.ok ? { ok: true, data: true } : finished;
}

export async function removePasskey(id: string, ask: AskForProof): Promise<Outcome<true>> {
  const outcome = await withStepUp(() => client.mutation(REMOVE_PASSKEY, { id }).toPromise(), ask);
  return outcome.ok ? { ok: true, data: true } : outcome;
}
