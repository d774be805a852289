import type { ApiError, Outcome } from './outcome';
import { forgetAccessToken } from './access-token';
import { wireForgotPassword } from './forgot-password';
import { stopWatchingSession, watchSession } from './live';
import { createAccount, loadProfile, resumeSession, signIn, signOut, type Credentials } from './session';
import { wireVerificationNotice } from './verification-notice';
import { elements, showNotice, showProfile, showSignIn } from './view';

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

async function refreshProfile(): Promise<void> {
  const profile = await loadProfile();
  if (profile.ok) {
    showProfile(profile.data);
    watchSession(onRevoked, () => void refreshProfile());
  } else {
    stopWatchingSession();
    showSignedOut(profile.error);
  }
}

async function afterSignIn(started: Outcome<true>): Promise<void> {
  if (started.ok) await refreshProfile();
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

  elements.refreshProfile.addEventListener('click', () => void refreshProfile());

  elements.signOut.addEventListener('click', () => {
    stopWatchingSession();
    void signOut().then((outcome) => {
      showSignIn(outcome.ok ? undefined : outcome.error.message);
    });
  });

  wireForgotPassword();
  wireVerificationNotice();

  // A reload keeps the session: the refresh cookie, sent with credentials, brings a new access token.
  void resumeSession().then((resumed) => {
    if (resumed.ok) return refreshProfile();
    showSignedOut(resumed.error);
    return undefined;
  });
}
