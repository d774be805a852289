import { WRONG_CODE } from './code-problem';
import type { MfaChallenge, Outcome } from './outcome';
import { signInWithPasskey } from './passkey-sign-in';
import { completeSignIn } from './session';
import { elements, showNotice, showSignIn, showStep } from './view';

/** The sign-in waiting for its second factor; its token is single use and lives 5 minutes. */
let pending: MfaChallenge | undefined;

/** The password was right: ask for a code, or a passkey when the account has one. */
export function showSecondFactorStep(challenge: MfaChallenge, notice?: string): void {
  pending = challenge;
  elements.secondFactorCode.value = '';
  elements.secondFactorPasskey.hidden = !challenge.methods.includes('PASSKEY');
  showStep('One more step to sign in', notice, 'secondFactorForm');
  elements.secondFactorCode.focus();
}

function signInAgain(): void {
  pending = undefined;
  showSignIn('Sign in again.');
}

export function wireSecondFactorStep(afterSignIn: (started: Outcome<true>) => Promise<void>): void {
  elements.secondFactorForm.addEventListener('submit', (event: SubmitEvent) => {
    event.preventDefault();
    const challenge = pending;
    if (challenge === undefined) {
      signInAgain();
      return;
    }
    void completeSignIn(challenge.mfaToken, elements.secondFactorCode.value.trim()).then((finished) => {
      if (finished.ok) {
        pending = undefined;
        return afterSignIn(finished);
      }
      // A wrong code leaves the sign-in open; a spent or expired one needs the password again.
      if (finished.error.code === 'INVALID_CODE') showSecondFactorStep(challenge, WRONG_CODE);
      else if (finished.error.code === 'INVALID_MFA_TOKEN') signInAgain();
      else showNotice(finished.error.message);
      return undefined;
    });
  });

  elements.secondFactorPasskey.addEventListener('click', () => {
    void signInWithPasskey(elements.email.value).then((finished) => {
      if (finished.ok) pending = undefined;
      return afterSignIn(finished);
    });
  });
}
