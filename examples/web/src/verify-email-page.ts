import { verifyEmail } from './recovery';
import { showStep } from './view';

const INVALID_LINK = 'This link is invalid or has expired. Sign in to ask for a new one.';

/** /verify-email: the page a verification mail links to; opening it is the whole proof. */
export function startVerifyEmailPage(token: string | undefined): void {
  if (token === undefined) {
    showStep('Email not verified', INVALID_LINK, 'goToSignIn');
    return;
  }
  showStep('Verifying your email address…', undefined);
  void verifyEmail(token).then((outcome) => {
    if (outcome.ok) showStep('Email verified', 'Your email address is verified.', 'goToSignIn');
    else if (outcome.error.code === 'INVALID_OR_EXPIRED_LINK')
      showStep('Email not verified', INVALID_LINK, 'goToSignIn');
    else showStep('Email not verified', outcome.error.message, 'goToSignIn');
  });
}
