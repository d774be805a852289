import { Args, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Public } from '../auth/public';
import type { BlacklistedTokenRow } from '../db/schema';
import { BlacklistedToken } from '../revocation/blacklisted-token.type';
import { unauthenticated } from '../errors';
import { AuthPayload } from './auth-payload.type';
import { CredentialsArgs } from './credentials.args';
import { RefreshArgs } from './refresh.args';
import type { RefreshCookie } from '../auth/refresh-cookie';
import { refreshCookieIsDead, RefreshTokenDelivery, usableRefreshCookie } from './refresh-token-delivery';
import type { SessionTokens } from './session-tokens';

/**
 * The answer of a sign-in, with the refresh token in the body or, when `cookie` is given, only in
 * the cookie. The request's log line learns whose session it is.
 */
export function toPayload(tokens: SessionTokens, context: RequestContext, cookie: RefreshCookie | null): AuthPayload {
  context.record.userId = tokens.user.id;
  if (cookie) {
    const maxAgeMs = tokens.refreshExpiresAt.getTime() - context.services.clock();
    cookie.write(tokens.refreshToken, Math.max(0, Math.round(maxAgeMs / 1000)));
  }
  return {
    accessToken: tokens.access.token,
    refreshToken: cookie ? null : tokens.refreshToken,
    accessTokenExpiresAt: tokens.access.expiresAt,
    user: tokens.user,
  };
}

/** Checked before any work, so that a refused page neither signs in nor spends a token. */
export const cookieFor = (
  delivery: RefreshTokenDelivery | null | undefined,
  context: RequestContext,
): RefreshCookie | null => (delivery === RefreshTokenDelivery.COOKIE ? usableRefreshCookie(context) : null);

@Resolver()
export class SessionResolver {
  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Creates an account, mails a link to verify its address, and signs it in. With REQUIRE_VERIFIED_EMAIL the account is created and the link mailed, but the answer is EMAIL_NOT_VERIFIED instead of tokens.',
  })
  async register(
    @Args(() => CredentialsArgs) { email, password, refreshTokenDelivery }: CredentialsArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const cookie = cookieFor(refreshTokenDelivery, context);
    return toPayload(await context.services.signIn.register(email, password, context.record), context, cookie);
  }

  @Public()
  @Mutation(() => AuthPayload)
  async login(
    @Args(() => CredentialsArgs) { email, password, refreshTokenDelivery }: CredentialsArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const cookie = cookieFor(refreshTokenDelivery, context);
    const tokens = await context.services.signIn.login(email, password, context.record);
    return toPayload(tokens, context, cookie);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Trades a refresh token for new tokens; the old refresh token is spent. Without `refreshToken`, the refresh cookie is used and its successor goes back into the cookie.',
  })
  async refreshToken(
    @Args(() => RefreshArgs) { refreshToken, refreshTokenDelivery }: RefreshArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    if (refreshToken === null || refreshToken === undefined) return this.refreshFromCookie(context);
    const cookie = cookieFor(refreshTokenDelivery, context);
    return toPayload(await context.services.refreshTokens.refresh(refreshToken), context, cookie);
  }

  private async refreshFromCookie(context: RequestContext): Promise<AuthPayload> {
    const cookie = usableRefreshCookie(context);
    const presented = cookie.read();
    if (presented === undefined) {
      throw unauthenticated('No refresh token: pass refreshToken, or sign in with refreshTokenDelivery: COOKIE.');
    }
    try {
      return toPayload(await context.services.refreshTokens.refresh(presented), context, cookie);
    } catch (error) {
      if (refreshCookieIsDead(error)) cookie.clear();
      throw error;
    }
  }

  @Auth()
  @Mutation(() => BlacklistedToken, {
    description: 'Blacklists the current access token, ends its session and clears the refresh cookie.',
  })
  async logout(@Ctx() context: RequestContext): Promise<BlacklistedTokenRow> {
    const viewer = requireViewer(context);
    const revoked = await context.services.sessionManagement.logout({
      userId: viewer.userId,
      sessionId: viewer.sessionId,
      jti: viewer.jti,
    });
    context.refreshCookie?.clear();
    return revoked;
  }

  @Auth()
  @Mutation(() => Int, {
    description:
      'Revokes all my tokens and sessions and clears the refresh cookie; returns how many sessions were ended.',
  })
  async logoutAll(@Ctx() context: RequestContext): Promise<number> {
    const ended = await context.services.sessionManagement.logoutAll(requireViewer(context).userId);
    context.refreshCookie?.clear();
    return ended;
  }
}
