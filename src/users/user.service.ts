import { AuditAction } from '../audit/audit-action';
import { recordAudit } from '../audit/audit.trail';
import type { PasswordHasher } from '../auth/passwords';
import { Role } from '../auth/role';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import type { UserRow } from '../db/schema';
import { AppError, badUserInput, ErrorCode, notFound } from '../errors';
import { checkUserId, isUuid } from '../ids';
import type { RevocationWriter } from '../revocation/revocation.feed';
import { revokeAllOfUser } from '../revocation/revocation.writes';
import { isStorableText } from '../db/storable-text';
import { checkPasswordShape, MAX_EMAIL_LENGTH, normalizeEmail } from './credentials';
import {
  countEnabledAdminsExcept,
  countUsers,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  lockUserForSession,
  lockUserForUpdate,
  markEmailVerified,
  replaceEmail,
  replacePasswordHash,
  updateUserFields,
} from './user.store';

export interface UserChanges {
  role?: Role | null;
  disabled?: boolean | null;
}

function describeChanges(before: UserRow, changes: { role?: Role; disabled?: boolean }): string {
  const parts: string[] = [];
  if (changes.role !== undefined && changes.role !== before.role) parts.push(`role ${before.role} → ${changes.role}`);
  if (changes.disabled !== undefined && changes.disabled !== before.disabled) {
    parts.push(changes.disabled ? 'disabled' : 'enabled');
  }
  return parts.length > 0 ? `account changed: ${parts.join(', ')}` : 'account updated';
}

/** Emails are stored lower-cased; a blank search is no search. */
function checkSearch(search: string | undefined): string | undefined {
  const part = search?.trim().toLowerCase() ?? '';
  if (part.length > MAX_EMAIL_LENGTH) throw badUserInput(`search must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!isStorableText(part)) throw badUserInput('search must not contain NUL characters or unpaired surrogates');
  return part === '' ? undefined : part;
}

export class UserService {
  constructor(
    private readonly db: Database,
    private readonly writer: RevocationWriter,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
  ) {}

  async getUser(id: string): Promise<UserRow> {
    const user = isUuid(id) ? await findUserById(this.db, id) : undefined;
    if (!user) throw notFound(`No user with id ${id}.`);
    return user;
  }

  /** The account with this id or email, or null; a malformed id is the caller's mistake. */
  async findUser(key: { id: string } | { email: string }): Promise<UserRow | null> {
    const user =
      'id' in key
        ? await findUserById(this.db, checkUserId(key.id, 'id'))
        : await findUserByEmail(this.db, normalizeEmail(key.email));
    return user ?? null;
  }

  /** One page of accounts by email, with the total the search matches. */
  async listUsers(
    search: string | undefined,
    page: { limit: number; afterEmail?: string },
  ): Promise<{ rows: UserRow[]; totalCount: number }> {
    const part = checkSearch(search);
    const [rows, totalCount] = await Promise.all([listUsers(this.db, part, page), countUsers(this.db, part)]);
    return { rows, totalCount };
  }

  async getUserByEmail(email: string): Promise<UserRow> {
    const user = await findUserByEmail(this.db, normalizeEmail(email));
    if (!user) throw notFound(`No user with email ${email}.`);
    return user;
  }

  /** Any change revokes the user's tokens, so no token keeps a role or access it no longer has. */
  async updateUser(id: string, changes: UserChanges, actorId: string): Promise<UserRow> {
    const wanted = {
      ...(changes.role != null && { role: changes.role }),
      ...(changes.disabled != null && { disabled: changes.disabled }),
    };
    if (Object.keys(wanted).length === 0) throw badUserInput('Give at least one of role or disabled.');
    const before = await this.getUser(checkUserId(id, 'id'));
    const losesAdmin =
      before.role === Role.ADMIN && !before.disabled && (wanted.role === Role.USER || wanted.disabled === true);
    return this.writer.run(async (revoking) => {
      const tx = revoking.db;
      // Refused so that the service can never be left without anyone able to administer it.
      if (losesAdmin && (await countEnabledAdminsExcept(tx, id)) === 0) {
        throw badUserInput('This is the last enabled administrator; promote another user first.');
      }
      const now = new Date(this.clock());
      const reason = describeChanges(before, wanted);
      const updated = await updateUserFields(tx, id, wanted);
      if (!updated) throw notFound(`No user with id ${id}.`);
      await revokeAllOfUser(revoking, id, { now, actorId, reason }, AuditAction.USER_UPDATED);
      return (await findUserById(tx, id)) ?? updated;
    });
  }

  /** Creates the configured administrator unless an account with that email exists. */
  async bootstrapAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    if (await findUserByEmail(this.db, email)) return 'exists';
    checkPasswordShape(password);
    try {
      await this.createUser(email, password, Role.ADMIN, AuditAction.ADMIN_BOOTSTRAPPED);
      return 'created';
    } catch (error) {
      // Another instance created it between our check and our insert.
      if (error instanceof AppError && error.code === ErrorCode.BAD_USER_INPUT) return 'exists';
      throw error;
    }
  }

  /** An account made by an operator, not by its owner: no session is started. */
  async createUser(
    email: string,
    password: string,
    role: Role,
    action: AuditAction = AuditAction.USER_CREATED,
  ): Promise<UserRow> {
    // Its maker vouches for the address: with REQUIRE_VERIFIED_EMAIL on, an operator never locks out the account they made.
    return this.insertAccount({ email, password, role, emailVerified: true }, async (tx, user, now) => {
      await recordAudit(tx, { at: now, action, targetUserId: user.id, reason: `role ${role}` });
      return user;
    });
  }

  /**
   * A new account, with the caller's work in the same transaction (register starts the first
   * session there): an account never exists without what its creation promised, nor the reverse.
   */
  async insertAccount<T>(
    account: { email: string; password: string; role: Role; emailVerified: boolean },
    within: (tx: Database, user: UserRow, now: Date) => Promise<T>,
  ): Promise<T> {
    const normalized = normalizeEmail(account.email);
    checkPasswordShape(account.password);
    const passwordHash = await this.passwords.hash(account.password);
    try {
      return await this.db.transaction(async (tx) => {
        const now = new Date(this.clock());
        const user = await insertUser(tx, {
          email: normalized,
          passwordHash,
          role: account.role,
          emailVerified: account.emailVerified,
          createdAt: now,
        });
        return within(tx, user, now);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw badUserInput('An account with this email already exists.');
      throw error;
    }
  }

  /** By id, in the caller's transaction when one is given. */
  findById(id: string, db: Database = this.db): Promise<UserRow | undefined> {
    return findUserById(db, id);
  }

  /** By an email already normalized. */
  findByEmail(email: string): Promise<UserRow | undefined> {
    return findUserByEmail(this.db, email);
  }

  /** Read under a share lock: a revocation or a disabling waits until the session is started. */
  lockForSession(tx: Database, id: string): Promise<UserRow | undefined> {
    return lockUserForSession(tx, id);
  }

  /**
   * Read under an exclusive lock, for a change that touches the account's other rows too: taken
   * first, it orders such changes (a reset, a password change) so that they never deadlock.
   */
  lockForChange(tx: Database, id: string): Promise<UserRow | undefined> {
    return lockUserForUpdate(tx, id);
  }

  markEmailVerified(tx: Database, id: string): Promise<void> {
    return markEmailVerified(tx, id);
  }

  /** Sets a new, verified address; a unique violation when another account has taken it. */
  replaceEmail(tx: Database, id: string, email: string): Promise<void> {
    return replaceEmail(tx, id, email);
  }

  /** By an email already normalized, in the caller's transaction. */
  findByEmailIn(tx: Database, email: string): Promise<UserRow | undefined> {
    return findUserByEmail(tx, email);
  }

  /** Stores a new password hash only over `previousHash`: of two changes racing, the second finds none. */
  replacePasswordHash(tx: Database, id: string, previousHash: string, passwordHash: string): Promise<boolean> {
    return replacePasswordHash(tx, id, previousHash, passwordHash);
  }
}
