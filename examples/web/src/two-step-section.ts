import { codeProblem } from './code-problem';
import { askForProof } from './step-up-prompt';
import { confirmTotp, disableTotp, startTotp } from './totp';
import { hideRecoveryCodes, showEnrollment, showRecoveryCodes, twoStep } from './two-step-view';
import { showNotice } from './view';

/** Turning the authenticator app on and off; `changed` reloads the profile, which shows the outcome. */
export function wireTwoStep(changed: () => Promise<void>): void {
  twoStep.turnOn.addEventListener('click', () => {
    void startTotp().then(async (started) => {
      if (started.ok) await showEnrollment(started.data);
      else showNotice(started.error.message);
    });
  });

  twoStep.confirmForm.addEventListener('submit', (event: SubmitEvent) => {
    event.preventDefault();
    void confirmTotp(twoStep.confirmCode.value.trim()).then(async (confirmed) => {
      if (!confirmed.ok) {
        showNotice(codeProblem(confirmed.error));
        return;
      }
      showRecoveryCodes(confirmed.data);
      await changed();
    });
  });

  twoStep.recoveryDone.addEventListener('click', hideRecoveryCodes);

  twoStep.turnOffForm.addEventListener('submit', (event: SubmitEvent) => {
    event.preventDefault();
    const code = twoStep.turnOffCode.value.trim();
    void disableTotp(code, askForProof).then(async (disabled) => {
      if (disabled.ok) twoStep.turnOffCode.value = '';
      // Also after a refusal: a step-up stopped the session's socket, and the profile watches it again.
      await changed();
      if (!disabled.ok) showNotice(codeProblem(disabled.error));
    });
  });
}
