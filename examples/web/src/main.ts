import { takeLinkToken } from './link-token';
import { startResetPasswordPage } from './reset-password-page';
import { startSessionPage } from './session-page';
import { startVerifyEmailPage } from './verify-email-page';

// First of all, before any call can fail and leave the page as it is.
const linkToken = takeLinkToken();

// A link opened in a tab already on its page changes the fragment only, which loads nothing: start over.
window.addEventListener('hashchange', () => location.reload());

// The server answers index.html for these paths too (SPA fallback): the mails link to them.
if (location.pathname === '/reset-password') startResetPasswordPage(linkToken);
else if (location.pathname === '/verify-email') startVerifyEmailPage(linkToken);
else startSessionPage();
