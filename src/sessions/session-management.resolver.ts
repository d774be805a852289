import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Auth, requireViewer } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import { AuthPayload } from './auth-payload.type';
import { ChangePasswordArgs, ReauthenticateArgs, RevokeSessionArgs } from './session-management.args';
import { toPayload } from './session.resolver';
import type { SessionTokens } from './session-tokens';
import { Session, toSession } from './session.type';

/** A browser that keeps its refresh token in the cookie gets the successor there too. */
function toRenewedPayload(tokens: SessionTokens, context: RequestContext): AuthPayload {
  const cookie = context.refreshCookie;
  const inCookie = cookie !== null && cookie.read() !== undefined && cookie.originAllowed();
  return toPayload(tokens, context, inCookie ? cookie : null);
}

/** "Where am I signed in", signing out one device, changing the password, and authenticating again. */
@Resolver(() => Session)
export class SessionManagementResolver {
  @Auth()
  @Query(() => [Session], { description: 'My live sessions, newest first.' })
  async mySessions(@Ctx() context: RequestContext): Promise<Session[]> {
    const viewer = requireViewer(context);
    const rows = await context.services.sessionManagement.liveSessionsOf(viewer.userId);
    return rows.map((row) => toSession(row, viewer.sessionId));
  }

  @Auth(Role.ADMIN)
  @Query(() => [Session], { description: "A user's live sessions, newest first." })
  async sessions(@Arg('userId', () => ID) userId: string, @Ctx() context: RequestContext): Promise<Session[]> {
    const viewer = requireViewer(context);
    const rows = await context.services.sessionManagement.liveSessionsOf(userId);
    return rows.map((row) => toSession(row, viewer.sessionId));
  }

  @Auth()
  @Mutation(() => Session, {
    description: "Ends one session and refuses its tokens at once. My own sessions; an administrator's: anyone's.",
  })
  async revokeSession(
    @Args(() => RevokeSessionArgs) { id, reason }: RevokeSessionArgs,
    @Ctx() context: RequestContext,
  ): Promise<Session> {
    const viewer = requireViewer(context);
    const row = await context.services.sessionManagement.revoke(id, reason, viewer);
    return toSession(row, viewer.sessionId);
  }

  @Auth(Role.USER, { stepUp: true })
  @Mutation(() => AuthPayload, {
    description: 'Changes my password, ends every other session of mine, and gives this one a fresh pair.',
  })
  async changePassword(
    @Args(() => ChangePasswordArgs) { currentPassword, newPassword }: ChangePasswordArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const viewer = requireViewer(context);
    const tokens = await context.services.signIn.changePassword(
      viewer,
      { current: currentPassword, next: newPassword },
      context.record,
    );
    return toRenewedPayload(tokens, context);
  }

  @Auth()
  @Mutation(() => AuthPayload, {
    description:
      'Proves again who I am, with my password or, on an account with a second factor, a one-time code: this session gets a fresh pair whose `auth_time` is now, for the fields that answer STEP_UP_REQUIRED. The access token used for the call is refused from then on.',
  })
  async reauthenticate(
    @Args(() => ReauthenticateArgs) { password, code }: ReauthenticateArgs,
    @Ctx() context: RequestContext,
  ): Promise<AuthPayload> {
    const viewer = requireViewer(context);
    const tokens = await context.services.reauthentication.reauthenticate(viewer, { password, code }, context.record);
    return toRenewedPayload(tokens, context);
  }
}
