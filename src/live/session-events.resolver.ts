import { Resolver, Root, Subscription } from 'type-graphql';
import { Auth } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import { badUserInput } from '../errors';
import type { LiveSocket } from './live-socket';
import { RevocationEvent } from './revocation-event.type';
import { SessionEvent } from './session-event.type';

function socketOf(context: RequestContext): LiveSocket {
  if (!context.socket) throw badUserInput('Subscriptions run over WebSocket (graphql-transport-ws) on /graphql.');
  return context.socket;
}

@Resolver()
export class SessionEventsResolver {
  @Auth()
  @Subscription(() => SessionEvent, {
    description:
      'Events of the calling token’s session, delivered the moment they happen: REVOKED, after which the socket closes with 4403.',
    subscribe: ({ context }) => socketOf(context as RequestContext).openSessionEvents(),
  })
  sessionEvents(@Root() event: SessionEvent): SessionEvent {
    return event;
  }

  @Auth(Role.ADMIN)
  @Subscription(() => RevocationEvent, {
    description: 'Every revocation committed on any instance, as it is announced.',
    subscribe: ({ context }) => {
      const ctx = context as RequestContext;
      return socketOf(ctx).adopt(ctx.services.revocationFeed.open());
    },
  })
  revocations(@Root() event: RevocationEvent): RevocationEvent {
    return event;
  }
}
