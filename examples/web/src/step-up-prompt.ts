import { byTestId } from './by-test-id';
import type { AskForProof, StepUpProof } from './step-up';
import type { MfaStatus } from './two-step-view';

const prompt = {
  form: byTestId('step-up-form', HTMLFormElement),
  question: byTestId('step-up-prompt', HTMLElement),
  problem: byTestId('step-up-problem', HTMLElement),
  answer: byTestId('step-up-answer', HTMLInputElement),
  cancel: byTestId('step-up-cancel', HTMLButtonElement),
};

/** Whether the signed-in account has one-time codes, from its last loaded profile. */
let hasCodes = false;

export function knowFactors(mfa: MfaStatus): void {
  hasCodes = mfa.totp;
}

/**
 * Asks, in the page, for what reauthenticate wants: a one-time code when the account has codes
 * (a password alone does not step up such an account), else the password.
 */
export const askForProof: AskForProof = (problem) => {
  prompt.question.textContent = hasCodes
    ? 'Confirm it is you: enter a code from your authenticator app or a recovery code.'
    : 'Confirm it is you: enter your password.';
  prompt.problem.textContent = problem ?? '';
  prompt.problem.hidden = problem === undefined;
  prompt.answer.type = hasCodes ? 'text' : 'password';
  prompt.answer.autocomplete = hasCodes ? 'one-time-code' : 'current-password';
  prompt.answer.value = '';
  prompt.form.hidden = false;
  prompt.answer.focus();
  return new Promise((resolve) => {
    const settle = (proof: StepUpProof | undefined) => {
      prompt.form.removeEventListener('submit', onSubmit);
      prompt.cancel.removeEventListener('click', onCancel);
      prompt.answer.value = '';
      prompt.form.hidden = true;
      resolve(proof);
    };
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      const answer = prompt.answer.value;
      settle(hasCodes ? { code: answer.trim() } : { password: answer });
    };
    const onCancel = () => settle(undefined);
    prompt.form.addEventListener('submit', onSubmit);
    prompt.cancel.addEventListener('click', onCancel);
  });
};
