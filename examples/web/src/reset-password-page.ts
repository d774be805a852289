import { showForgotPassword, wireForgotPassword } from './forgot-password';
import { resetPassword } from './recovery';
import { elements, showNotice, showStep } from './view';

const INVALID_LINK = 'This link is invalid or has expired. Ask for a new one:';

/** /reset-password: the page a reset mail links to, with the link's token already out of the address bar. */
export function startResetPasswordPage(token: string | undefined): void {
  wireForgotPassword();
  if (token === undefined) {
    showForgotPassword(INVALID_LINK);
    return;
  }
  showStep('Choose a new password', undefined, 'resetPasswordForm');
  elements.resetPasswordForm.addEventListener('submit', (event: SubmitEvent) => {
    event.preventDefault();
    if (elements.newPassword.value !== elements.newPasswordAgain.value) {
      showNotice('The two passwords differ: type the same one twice.');
      return;
    }
    void resetPassword(token, elements.newPassword.value).then((outcome) => {
      if (outcome.ok) {
        showStep(
          'Password changed',
          'Your password was changed, and every session ended. Sign in with the new password.',
          'goToSignIn',
        );
      } else if (outcome.error.code === 'INVALID_OR_EXPIRED_LINK') {
        showForgotPassword(INVALID_LINK);
      } else {
        showNotice(outcome.error.message);
      }
    });
  });
}
