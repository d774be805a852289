import { Arg, Args, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import type { BlacklistedTokenRow } from '../db/schema';
import { BlacklistedToken } from '../revocation/blacklisted-token.type';
import { AuthPayload } from './auth-payload.type';
import { CredentialsArgs } from './credentials.args';
import type { SessionTokens } from './session.service';

/** The answer of a sign-in; the request's log line learns whose session it is. */
export function toPayload(tokens: SessionTokens, context: RequestContext): AuthPayload {
  context.record.userId = tokens.user.id;
  return {
    accessToken: tokens.access.token,
    refreshToken: tokens.refreshToken,
    accessTokenExpiresAt: tokens.access.expiresAt,
    user: tokens.user,
  };
}

@Resolver()
export class SessionResolver {
  @Mutation(() => AuthPayload, { description: 'Creates an account and signs it in.' })
  async register(
    @Args(() => CredentialsArgs) { email, password }: CredentialsArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    return toPayload(await context.services.sessions.register(email, password, context.record), context);
  }

  @Mutation(() => AuthPayload)
  async login(
    @Args(() => CredentialsArgs) { email, password }: CredentialsArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    return toPayload(await context.services.sessions.login(email, password, context.record), context);
  }

  @Mutation(() => AuthPayload, {
    description: 'Trades a refresh token for new tokens; the old refresh token is spent.',
  })
  async refreshToken(
    @Arg('refreshToken', () => String) refreshToken: string,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    return toPayload(await context.services.sessions.refresh(refreshToken), context);
  }

  @Auth()
  @Mutation(() => BlacklistedToken, { description: 'Blacklists the current access token and ends its session.' })
  logout(@Ctx() context: RequestContext): Promise<BlacklistedTokenRow> {
    const viewer = requireViewer(context);
    return context.services.sessions.logout({ userId: viewer.userId, sessionId: viewer.sessionId, jti: viewer.jti });
  }

  @Auth()
  @Mutation(() => Int, { description: 'Revokes all my tokens and sessions; returns how many sessions were ended.' })
  logoutAll(@Ctx() context: RequestContext): Promise<number> {
    return context.services.sessions.logoutAll(requireViewer(context).userId);
  }
}
