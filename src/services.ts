import { TokenService } from './auth/tokens';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Database } from './db/client';
import { DatabaseRevocationCheck, type RevocationCheck } from './revocation/revocation.check';
import { RevocationService } from './revocation/revocation.service';
import { SessionService } from './sessions/session.service';
import { UserService } from './users/user.service';

/** Everything a resolver may call, built once per server and shared by every request. */
export interface Services {
  db: Database;
  clock: Clock;
  tokens: TokenService;
  revocationCheck: RevocationCheck;
  sessions: SessionService;
  users: UserService;
  revocations: RevocationService;
}

export function createServices(config: Config, db: Database, clock: Clock): Services {
  const tokens = new TokenService(config.jwt, clock);
  return {
    db,
    clock,
    tokens,
    revocationCheck: new DatabaseRevocationCheck(db, clock),
    sessions: new SessionService(db, tokens, clock, {
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      refreshReuseGraceSeconds: config.refreshReuseGraceSeconds,
    }),
    users: new UserService(db, clock),
    revocations: new RevocationService(db, tokens, clock),
  };
}
