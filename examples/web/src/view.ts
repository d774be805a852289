import { byTestId } from './by-test-id';
import type { PasskeyItem } from './passkeys';
import type { Profile } from './session';
import { forgetTwoStep } from './two-step-view';

export const elements = {
  status: byTestId('status', HTMLElement),
  notice: byTestId('notice', HTMLElement),
  signInForm: byTestId('sign-in-form', HTMLFormElement),
  email: byTestId('email', HTMLInputElement),
  password: byTestId('password', HTMLInputElement),
  secondFactorForm: byTestId('second-factor-form', HTMLFormElement),
  secondFactorCode: byTestId('second-factor-code', HTMLInputElement),
  secondFactorPasskey: byTestId('second-factor-passkey', HTMLButtonElement),
  forgotPassword: byTestId('forgot-password', HTMLButtonElement),
  forgotPasswordForm: byTestId('forgot-password-form', HTMLFormElement),
  forgotEmail: byTestId('forgot-email', HTMLInputElement),
  resetPasswordForm: byTestId('reset-password-form', HTMLFormElement),
  newPassword: byTestId('new-password', HTMLInputElement),
  newPasswordAgain: byTestId('new-password-again', HTMLInputElement),
  goToSignIn: byTestId('go-to-sign-in', HTMLAnchorElement),
  user: byTestId('user', HTMLElement),
  userEmail: byTestId('user-email', HTMLElement),
  userRole: byTestId('user-role', HTMLElement),
  verifyEmailNotice: byTestId('verify-email-notice', HTMLElement),
  resendVerification: byTestId('resend-verification', HTMLButtonElement),
  verificationAnswer: byTestId('verification-answer', HTMLElement),
  refreshProfile: byTestId('refresh-profile', HTMLButtonElement),
  signOut: byTestId('sign-out', HTMLButtonElement),
  passkeySignIn: byTestId('passkey-sign-in', HTMLButtonElement),
  passkeys: byTestId('passkeys', HTMLUListElement),
  noPasskeys: byTestId('no-passkeys', HTMLElement),
  passkeyName: byTestId('passkey-name', HTMLInputElement),
  addPasskey: byTestId('add-passkey', HTMLButtonElement),
};

/** The parts of the page that take turns: one form or the profile, and the way back to sign in. */
type Section = 'signInForm' | 'secondFactorForm' | 'forgotPasswordForm' | 'resetPasswordForm' | 'goToSignIn' | 'user';
const SECTIONS: readonly Section[] = [
  'signInForm',
  'secondFactorForm',
  'forgotPasswordForm',
  'resetPasswordForm',
  'goToSignIn',
  'user',
];

/** Shows `status`, `notice` (undefined hides it) and the given sections, and hides the others. */
export function showStep(status: string, notice: string | undefined, ...visible: Section[]): void {
  elements.status.textContent = status;
  showNotice(notice);
  for (const section of SECTIONS) elements[section].hidden = !visible.includes(section);
}

/** A message above the form or the profile; undefined hides it. */
export function showNotice(text: string | undefined): void {
  elements.notice.textContent = text ?? '';
  elements.notice.hidden = text === undefined;
}

/** The answer to a request for a new verification link, inside the notice that offers it. */
export function showVerificationAnswer(text: string | undefined): void {
  elements.verificationAnswer.textContent = text ?? '';
  elements.verificationAnswer.hidden = text === undefined;
}

export function showProfile(profile: Profile): void {
  elements.userEmail.textContent = profile.email;
  elements.userRole.textContent = profile.role;
  elements.verifyEmailNotice.hidden = profile.emailVerified;
  showVerificationAnswer(undefined);
  showStep('Signed in', undefined, 'user');
}

export function showSignIn(notice?: string): void {
  elements.userEmail.textContent = '';
  elements.userRole.textContent = '';
  elements.password.value = '';
  forgetTwoStep();
  showStep('Signed out', notice, 'signInForm');
}

/** My passkeys, each with a button that calls `onRemove` with its id. */
export function showPasskeys(items: readonly PasskeyItem[], onRemove: (id: string) => void): void {
  elements.passkeys.replaceChildren(
    ...items.map((item) => {
      const entry = document.createElement('li');
      entry.dataset.testid = 'passkey';
      const name = document.createElement('span');
      const lastUsed = item.lastUsedAt ? new Date(item.lastUsedAt).toLocaleString() : 'never';
      name.textContent = `${item.name} (last used ${lastUsed}) `;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.dataset.testid = 'remove-passkey';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${item.name}`);
      remove.addEventListener('click', () => onRemove(item.id));
      entry.append(name, remove);
      return entry;
    }),
  );
  elements.noPasskeys.hidden = items.length > 0;
}
