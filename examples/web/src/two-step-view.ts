import { toDataURL } from 'qrcode';
import { byTestId } from './by-test-id';
import type { Profile } from './session';
import type { TotpEnrollment } from './totp';

export type MfaStatus = Profile['mfa'];

export const twoStep = {
  status: byTestId('totp-status', HTMLElement),
  turnOn: byTestId('turn-on-totp', HTMLButtonElement),
  enrollment: byTestId('totp-enrollment', HTMLElement),
  qr: byTestId('totp-qr', HTMLImageElement),
  secret: byTestId('totp-secret', HTMLElement),
  confirmForm: byTestId('totp-confirm-form', HTMLFormElement),
  confirmCode: byTestId('totp-confirm-code', HTMLInputElement),
  recoveryPanel: byTestId('recovery-codes-panel', HTMLElement),
  recoveryCodes: byTestId('recovery-codes', HTMLOListElement),
  recoveryDone: byTestId('recovery-codes-done', HTMLButtonElement),
  turnOffForm: byTestId('turn-off-totp-form', HTMLFormElement),
  turnOffCode: byTestId('turn-off-totp-code', HTMLInputElement),
};

/** What is on, and the button or form that changes it; the one-time panels stay as they are. */
export function showTwoStepStatus(mfa: MfaStatus): void {
  twoStep.status.textContent = mfa.totp
    ? `Two-step sign-in is on: ${mfa.recoveryCodesLeft} recovery codes left.`
    : 'Two-step sign-in is off.';
  twoStep.turnOn.hidden = mfa.totp;
  twoStep.turnOffForm.hidden = !mfa.totp;
  if (mfa.totp) twoStep.enrollment.hidden = true;
}

/** The QR code is drawn here from the otpauth URI: the secret never leaves the page for an image service. */
export async function showEnrollment(enrollment: TotpEnrollment): Promise<void> {
  twoStep.qr.src = await toDataURL(enrollment.otpauthUri, { width: 200, margin: 1 });
  twoStep.secret.textContent = enrollment.secret;
  twoStep.confirmCode.value = '';
  twoStep.enrollment.hidden = false;
}

export function showRecoveryCodes(codes: readonly string[]): void {
  twoStep.recoveryCodes.replaceChildren(
    ...codes.map((code) => {
      const item = document.createElement('li');
      item.dataset.testid = 'recovery-code';
      item.textContent = code;
      return item;
    }),
  );
  twoStep.enrollment.hidden = true;
  twoStep.recoveryPanel.hidden = false;
}

/** Out of the page once saved: they are as good as the password and the phone together. */
export function hideRecoveryCodes(): void {
  twoStep.recoveryCodes.replaceChildren();
  twoStep.recoveryPanel.hidden = true;
}

/** Nothing of one account's setup stays in the page for the next person to sign in. */
export function forgetTwoStep(): void {
  hideRecoveryCodes();
  twoStep.enrollment.hidden = true;
  twoStep.qr.removeAttribute('src');
  twoStep.secret.textContent = '';
  twoStep.turnOffCode.value = '';
}
