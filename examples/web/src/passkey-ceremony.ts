import type { Outcome } from './outcome';

/** A ceremony the browser or the person called off (NotAllowedError, a timeout) is an outcome too. */
export async function ceremony(run: () => Promise<Credential | null>): Promise<Outcome<Record<string, unknown>>> {
  try {
    const credential = await run();
    if (!(credential instanceof PublicKeyCredential)) throw new Error('The browser gave no passkey.');
    return { ok: true, data: credential.toJSON() as Record<string, unknown> };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'WEBAUTHN', message, reason: undefined, superseded: false } };
  }
}
