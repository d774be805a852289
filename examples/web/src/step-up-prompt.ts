import { byTestId } from './by-test-id';
import type { AskForProof, StepUpProof } from './step-up';
import type { Profile } from './session';

const prompt = {
  form: byTestId('step-up-form', HTMLFormElement),
  question: byTestId('step-up-prompt', HTMLElement),
  problem: byTestId('step-up-problem', HTMLElement),
  answer: byTestId('step-up-answer', HTMLInputElement),
  cancel: byTestId('step-up-cancel', HTMLButtonElement),
};

type Proven = 'code' | 'password' | 'passkey';

const QUESTIONS: Record<Proven, string> = {
  code: 'Confirm it is you: enter a code from your authenticator app or a recovery code.',
  password: 'Confirm it is you: enter your password.',
  passkey: 'Confirm it is you with your passkey.',
};

/** How the signed-in account steps up, from its last loaded profile. */
let proven: Proven = 'password';
/** Named in the passkey challenge, so that only the account's own passkeys are offered. */
let email = '';

/** A password alone does not step up an account with a second factor: it is asked for that factor. */
export function knowFactors(profile: Profile): void {
  proven = profile.mfa.totp ? 'code' : profile.mfa.passkeys > 0 ? 'passkey' : 'password';
  email = profile.email;
}

/** Asks, in the page, for what the account steps up with. */
export const askForProof: AskForProof = (problem) => {
  prompt.question.textContent = QUESTIONS[proven];
  prompt.problem.textContent = problem ?? '';
  prompt.problem.hidden = problem === undefined;
  prompt.answer.hidden = proven === 'passkey';
  prompt.answer.required = proven !== 'passkey';
  prompt.answer.type = proven === 'code' ? 'text' : 'password';
  prompt.answer.autocomplete = proven === 'code' ? 'one-time-code' : 'current-password';
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
      if (proven === 'passkey') settle({ passkeyOf: email });
      else settle(proven === 'code' ? { code: answer.trim() } : { password: answer });
    };
    const onCancel = () => settle(undefined);
    prompt.form.addEventListener('submit', onSubmit);
    prompt.cancel.addEventListener('click', onCancel);
  });
};
