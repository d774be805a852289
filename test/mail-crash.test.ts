import { freePort } from './support/free-port';
import { postGraphQL } from './support/graphql-client';
import { REGISTER, type AuthPayloadData } from './support/operations';
import { requestReset, resetPassword } from './support/password-reset';
import { runService, useServiceData, type ServiceProcess } from './support/service-process';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { USER_PASSWORD, uniqueEmail } from './support/test-server';
import { waitFor } from './support/wait';

// The outbox is in the database, not in the process: a message whose transaction committed is
// sent even when the process dies with kill -9 before it could hand it to SMTP.
jest.setTimeout(120_000);

const serviceEnv = useServiceData('mail-crash');
let service: ServiceProcess | undefined;
let smtp: SmtpSink | undefined;
afterEach(async () => {
  service?.child.kill('SIGKILL');
  await smtp?.close();
});

const client = (baseUrl: string) => ({
  gql: <TData>(query: string, variables?: Record<string, unknown>, options?: { headers?: Record<string, string> }) =>
    postGraphQL<TData>(`${baseUrl}/graphql`, query, variables, options),
});

it('sends a reset mail committed before kill -9 once the service is back, and its link works', async () => {
  const port = await freePort();
  const env = { ...serviceEnv(), SMTP_URL: `smtp://127.0.0.1:${port}`, APP_URL: 'https://app.example.test' };
  service = runService(env);
  const before = client(await service.ready);
  const email = uniqueEmail('crash-mail');
  const registered = await before.gql<{ register: AuthPayloadData }>(REGISTER, { email, password: USER_PASSWORD });
  expect(registered.errors).toBeUndefined();
  expect((await requestReset(before, email)).data?.requestPasswordReset).toBe(true);

  // Nothing listens on the SMTP port yet: the reset mail's first attempt fails and it waits in the
  // outbox. Its own failure, not the verification mail's: killed while it is claimed, it would wait
  // out its lease instead.
  const running = service;
  await waitFor(
    () =>
      running
        .output()
        .split('\n')
        .some((line) => line.includes('mail not delivered; will retry') && line.includes('"password_reset"')),
    10_000,
    'a failed first attempt of the reset mail',
    20,
  );
  running.child.kill('SIGKILL');
  await running.exited;

  smtp = await startSmtpSink(port);
  service = runService(env);
  const after = client(await service.ready);
  const [mail] = await smtp.mailTo(email, 1, 15_000, 'Reset your password');
  expect(mail?.subject).toBe('Reset your password');
  // Sent once (register's verification mail went out beside it).
  expect(smtp.received.filter((received) => received.to === email && received.subject === mail?.subject)).toHaveLength(
    1,
  );
  expect((await resetPassword(after, mail?.token ?? '', 'a passphrase after the crash')).data?.resetPassword).toBe(
    true,
  );
});
