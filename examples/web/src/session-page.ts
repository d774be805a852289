import type { ApiError, Outcome } from './outcome';
import { forgetAccessToken } from './access-token';
import { wireForgotPassword } from './forgot-password';
import { stopWatchingSession, watchSession } from './live';
import { createAccount, loadProfile, resumeSession, signIn, signOut, type Credentials } from './session';
import { wireVerificationNotice } from './verification-notice';
import { addPasskey, listPasskeys, removePasskey } from './passkeys';
import { signInWithPasskey } from './passkey-sign-in';
import { showSecondFactorStep, wireSecondFactorStep } from './second-factor-step';
import { askForProof, knowFactors } from './step-up-prompt';
import { wireTwoStep } from './two-step-section';
import { showTwoStepStatus } from './two-step-view';
import { elements, showNotice, showPasskeys, showProfile, showSignIn } from './view';

/** Where any refused call leaves the page: a revocation is shown with its reason. */
function showSignedOut(error: ApiError): void {
  if (error.code === 'TOKEN_REVOKED') showSignIn(`You were signed out: ${error.reason ?? error.message}`);
  else if (error.code === 'UNAUTHENTICATED') showSignIn();
  else showSignIn(error.message);
}

/** The service ended this session: say why at once, without waiting for the next call. */
function onRevoked(reason: string | null): void {
  forgetAccessToken();
  showSignIn(`You were signed out: ${reason ?? 'your session was ended'}`);
}

async function refreshPasskeys(): Promise<void> {
  const passkeys = await listPasskeys();
  if (passkeys.ok) showPasskeys(passkeys.data, (id) => void removePasskey(id, askForProof).then(afterPasskeyChange));
  else showNotice(passkeys.error.message);
}

/** The whole profile: the factor counts changed, and a step-up stopped the session's socket. */
async function afterPasskeyChange(changed: Outcome<true>): Promise<void> {
  await refreshProfile();
  if (!changed.ok) showNotice(changed.error.message);
}

async function refreshProfile(): Promise<void> {
  const profile = await loadProfile();
  if (profile.ok) {
    showProfile(profile.data);
    showTwoStepStatus(profile.data.mfa);
    knowFactors(profile.data);
    await refreshPasskeys();
    watchSession(onRevoked, () => void refreshProfile());
  } else {
    stopWatchingSession();
    showSignedOut(profile.error);
  }
}

async function afterSignIn(started: Outcome<true>): Promise<void> {
  if (started.ok) await refreshProfile();
  else if (started.error.mfa) showSecondFactorStep(started.error.mfa);
  else showNotice(started.error.message);
}

/** /: sign in or create an account, then the profile, with its session watched live. */
export function startSessionPage(): void {
  elements.signInForm.addEventListener('submit', (event: SubmitEvent) => {
    event.preventDefault();
    const credentials: Credentials = { email: elements.email.value, password: elements.password.value };
    const creating = event.submitter instanceof HTMLButtonElement && event.submitter.value === 'create-account';
    void (creating ? createAccount(credentials) : signIn(credentials)).then(afterSignIn);
  });

  elements.passkeySignIn.addEventListener(
    'click',
    () => void signInWithPasskey(elements.email.value).then(afterSignIn),
  );

  elements.addPasskey.addEventListener('click', () => {
    void addPasskey(elements.passkeyName.value, askForProof).then((added) => {
      if (added.ok) elements.passkeyName.value = '';
      return afterPasskeyChange(added);
    });
  });

  elements.refreshProfile.addEventListener('click', () => void refreshProfile());

  elements.signOut.addEventListener('click', () => {
    stopWatchingSession();
    void signOut().then((outcome) => {
      showSignIn(outcome.ok ? undefined : outcome.error.message);
    });
  });

  wireSecondFactorStep(afterSignIn);
  wireTwoStep(refreshProfile);
  wireForgotPassword();
  wireVerificationNotice();

  // A reload keeps the session: the refresh cookie, sent with credentials, brings a new access token.
  void resumeSession().then((resumed) => {
    if (resumed.ok) return refreshProfile();
    showSignedOut(resumed.error);
    return undefined;
  });
}
