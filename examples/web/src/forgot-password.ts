import { requestPasswordReset } from './recovery';
import { elements, showNotice, showStep } from './view';

/** Asks for the account's address; `notice` says why, when the page did not come here by a click. */
export function showForgotPassword(notice?: string): void {
  elements.forgotEmail.value ||= elements.email.value;
  showStep('Forgot your password?', notice, 'forgotPasswordForm', 'goToSignIn');
}

export function wireForgotPassword(): void {
  elements.forgotPassword.addEventListener('click', () => showForgotPassword());
  elements.forgotPasswordForm.addEventListener('submit', (event: SubmitEvent) => {
    event.preventDefault();
    void requestPasswordReset(elements.forgotEmail.value).then((outcome) => {
      // The same answer whether the address has an account or not: the page must not tell either.
      if (outcome.ok)
        showStep('Check your mail', 'If an account has this address, a link is on its way.', 'goToSignIn');
      else showNotice(outcome.error.message);
    });
  });
}
