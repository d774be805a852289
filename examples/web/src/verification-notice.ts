import { requestEmailVerification } from './recovery';
import { elements, showVerificationAnswer } from './view';

/** The "not verified yet" notice's resend button, for the address the profile shows. */
export function wireVerificationNotice(): void {
  elements.resendVerification.addEventListener('click', () => {
    const email = elements.userEmail.textContent;
    elements.resendVerification.disabled = true;
    void requestEmailVerification(email)
      .then((outcome) => {
        showVerificationAnswer(
          outcome.ok ? `A new link is on its way to ${email}; earlier links no longer work.` : outcome.error.message,
        );
      })
      .finally(() => {
        elements.resendVerification.disabled = false;
      });
  });
}
