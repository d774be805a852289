import type { PasskeyItem } from './passkeys';
import type { Profile } from './session';

function byTestId<TElement extends HTMLElement>(testId: string, kind: new () => TElement): TElement {
  const element = document.querySelector(`[data-testid="${testId}"]`);
  if (!(element instanceof kind)) throw new Error(`index.html has no ${kind.name} [data-testid="${testId}"]`);
  return element;
}

export const elements = {
  status: byTestId('status', HTMLElement),
  notice: byTestId('notice', HTMLElement),
  signInForm: byTestId('sign-in-form', HTMLFormElement),
  email: byTestId('email', HTMLInputElement),
  password: byTestId('password', HTMLInputElement),
  user: byTestId('user', HTMLElement),
  userEmail: byTestId('user-email', HTMLElement),
  userRole: byTestId('user-role', HTMLElement),
  refreshProfile: byTestId('refresh-profile', HTMLButtonElement),
  signOut: byTestId('sign-out', HTMLButtonElement),
  passkeySignIn: byTestId('passkey-sign-in', HTMLButtonElement),
  passkeys: byTestId('passkeys', HTMLUListElement),
  noPasskeys: byTestId('no-passkeys', HTMLElement),
  passkeyName: byTestId('passkey-name', HTMLInputElement),
  addPasskey: byTestId('add-passkey', HTMLButtonElement),
};

/** A message above the form or the profile; undefined hides it. */
export function showNotice(text: string | undefined): void {
  elements.notice.textContent = text ?? '';
  elements.notice.hidden = text === undefined;
}

export function showProfile(profile: Profile): void {
  elements.status.textContent = 'Signed in';
  elements.userEmail.textContent = profile.email;
  elements.userRole.textContent = profile.role;
  elements.user.hidden = false;
  elements.signInForm.hidden = true;
  showNotice(undefined);
}

export function showSignIn(notice?: string): void {
  elements.status.textContent = 'Signed out';
  elements.userEmail.textContent = '';
  elements.userRole.textContent = '';
  elements.user.hidden = true;
  elements.signInForm.hidden = false;
  elements.password.value = '';
  showNotice(notice);
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
