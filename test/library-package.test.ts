import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postGraphQL } from './support/graphql-client';
import { compileStrictly, installExample, packLibrary, runScript } from './support/library-package';
import { LOGIN, LOGOUT, ME, REGISTER, REVOKE_USER_TOKENS, type AuthPayloadData } from './support/operations';
import { adminTokenOf, runService, useServiceData, type ServiceProcess } from './support/service-process';
import { uniqueEmail, USER_PASSWORD } from './support/test-server';

/** An app resolver that forgets to guard two operations; the app must refuse to start with it. */
const LEAKY_APP = `import 'reflect-metadata';
import { Mutation, Query, Resolver } from 'type-graphql';
import { createTokenWarden } from 'token-warden';
import { resolvers } from './resolvers';

@Resolver()
class LeakyResolver {
  @Query(() => String)
  leak(): string {
    return 'secret';
  }

  @Mutation(() => Boolean)
  spill(): boolean {
    return true;
  }
}

createTokenWarden({ resolvers: [...resolvers, LeakyResolver] }).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
`;

const NOTE_FIELDS = 'id title body createdAt';
const CREATE_NOTE = `mutation($title: String!, $body: String!) { createNote(title: $title, body: $body) { ${NOTE_FIELDS} } }`;
const NOTES = `{ notes { ${NOTE_FIELDS} } }`;
const NOTE = `query($id: ID!) { note(id: $id) { ${NOTE_FIELDS} } }`;
const ALL_NOTES = `{ allNotes { ${NOTE_FIELDS} ownerId } }`;

interface NoteData {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}

const serviceEnv = useServiceData('library-package');
let work: string;
let app: string;
let service: ServiceProcess;
let url: string;
let strictDiagnostics: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'token-warden-package-'));
  const packed = await packLibrary(work);
  const installed = await installExample(work, packed.value, { 'src/leaky.ts': LEAKY_APP });
  app = installed.value;
  const compiled = await compileStrictly(app);
  strictDiagnostics = compiled.value;
  process.stdout.write(
    `library package: packed in ${packed.ms} ms, example installed in ${installed.ms} ms, compiled in ${compiled.ms} ms\n`,
  );
  service = runService(serviceEnv(), { main: 'dist/main.js', cwd: app });
  url = `${await service.ready}/graphql`;
}, 300_000);

afterAll(async () => {
  if (service.child.exitCode === null) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

async function signUp(): Promise<string> {
  const { data, errors } = await postGraphQL<{ register: AuthPayloadData }>(url, REGISTER, {
    email: uniqueEmail('notes'),
    password: USER_PASSWORD,
  });
  if (!data) throw new Error(`register failed: ${JSON.stringify(errors)}`);
  return data.register.accessToken;
}

async function createNote(token: string, title: string): Promise<NoteData> {
  const { data, errors } = await postGraphQL<{ createNote: NoteData }>(
    url,
    CREATE_NOTE,
    { title, body: 'body' },
    { token },
  );
  if (!data) throw new Error(`createNote failed: ${JSON.stringify(errors)}`);
  return data.createNote;
}

describe('the packed library, installed into an empty app', () => {
  it('type-checks the app against its declarations with skipLibCheck off', () => {
    expect(strictDiagnostics).toEqual([]);
  });

  it('gives a user their own notes and hides them from everyone else', async () => {
    const alice = await signUp();
    const bob = await signUp();
    const note = await createNote(alice, 'shopping list');

    const mine = await postGraphQL<{ notes: NoteData[] }>(url, NOTES, {}, { token: alice });
    expect(mine.data?.notes).toEqual([note]);
    expect((await postGraphQL(url, NOTE, { id: note.id }, { token: alice })).data).toEqual({ note });

    const theirs = await postGraphQL<{ notes: NoteData[] }>(url, NOTES, {}, { token: bob });
    expect(theirs.data?.notes).toEqual([]);
    const peek = await postGraphQL(url, NOTE, { id: note.id }, { token: bob });
    expect(peek.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await postGraphQL(url, NOTE, { id: 'not-a-uuid' }, { token: alice });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses an anonymous caller on guarded app operations and lets one through the @Public() one', async () => {
    const anonymous = await postGraphQL(url, NOTES);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const write = await postGraphQL(url, CREATE_NOTE, { title: 't', body: 'b' });
    expect(write.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const count = await postGraphQL<{ noteCount: number }>(url, '{ noteCount }');
    expect(count.errors).toBeUndefined();
    expect(count.data?.noteCount).toEqual(expect.any(Number));
  });

  it('answers FORBIDDEN to a USER on an ADMIN field, and serves an administrator', async () => {
    const user = await signUp();
    const note = await createNote(user, 'for the moderators');
    const refused = await postGraphQL(url, ALL_NOTES, {}, { token: user });
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ownerField = await postGraphQL(url, `{ notes { id ownerId } }`, {}, { token: user });
    expect(ownerField.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const admin = await adminTokenOf(url.replace(/\/graphql$/, ''));
    const all = await postGraphQL<{ allNotes: Array<NoteData & { ownerId: string }> }>(
      url,
      ALL_NOTES,
      {},
      { token: admin },
    );
    expect(all.errors).toBeUndefined();
    expect(all.data?.allNotes.map(({ id }) => id)).toContain(note.id);
  });

  it('refuses a revoked token on app operations: after logout and after an administrator revokes the user', async () => {
    const loggedOut = await signUp();
    await postGraphQL(url, LOGOUT, {}, { token: loggedOut });
    const afterLogout = await postGraphQL(url, NOTES, {}, { token: loggedOut });
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.errors?.[0]?.extensions).toMatchObject({ code: 'TOKEN_REVOKED', reason: 'logged out' });

    const revoked = await signUp();
    const me = await postGraphQL<{ me: { id: string } }>(url, ME, {}, { token: revoked });
    const admin = await adminTokenOf(url.replace(/\/graphql$/, ''));
    await postGraphQL(url, REVOKE_USER_TOKENS, { userId: me.data?.me.id, reason: 'suspicious' }, { token: admin });
    const afterRevocation = await postGraphQL(url, CREATE_NOTE, { title: 't', body: 'b' }, { token: revoked });
    expect(afterRevocation.errors?.[0]?.extensions).toMatchObject({ code: 'TOKEN_REVOKED', reason: 'suspicious' });
  });

  it('keeps the built-in operations', async () => {
    const email = uniqueEmail('builtin');
    await postGraphQL(url, REGISTER, { email, password: USER_PASSWORD });
    const login = await postGraphQL<{ login: AuthPayloadData }>(url, LOGIN, { email, password: USER_PASSWORD });
    const token = login.data?.login.accessToken;
    const me = await postGraphQL<{ me: { email: string } }>(url, ME, {}, { token });
    expect(me.data?.me.email).toBe(email);
    const sessions = await postGraphQL<{ mySessions: Array<{ current: boolean }> }>(
      url,
      '{ mySessions { id current } }',
      {},
      { token },
    );
    expect(sessions.data?.mySessions.map(({ current }) => current)).toEqual([true, false]);
  });

  it('prints the combined schema for the app’s codegen, without the public marker', async () => {
    const printed = await runScript(app, 'dist/print-schema.js', serviceEnv());
    expect(printed.code).toBe(0);
    expect(printed.output).toMatch(/notes: \[Note!\]! @auth\(requires: USER\)/);
    expect(printed.output).toMatch(/allNotes: \[Note!\]! @auth\(requires: ADMIN\)/);
    expect(printed.output).toMatch(/ownerId: ID! @auth\(requires: ADMIN\)/);
    expect(printed.output).toMatch(/noteCount: Int!\n/);
    expect(printed.output).toMatch(/login\(/);
    expect(printed.output).not.toMatch(/public/i);
  });

  it('refuses to start an app with an unguarded operation, naming each one', async () => {
    const leaky = await runScript(app, 'dist/leaky.js', serviceEnv());
    expect(leaky.code).toBe(1);
    expect(leaky.output).toContain('Query.leak, Mutation.spill');
    expect(leaky.output).toContain('neither @Auth() nor @Public()');
  });
});
