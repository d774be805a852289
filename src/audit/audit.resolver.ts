import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Auth } from '../auth/auth.directive';
import type { RequestContext } from '../auth/context';
import { Role } from '../auth/role';
import type { AuditEventRow } from '../db/schema';
import { checkPageSize, decodeCursor, encodeCursor, toConnection, type ConnectionShape } from '../relay/connection';
import { checkUserId } from '../ids';
import { AuditEvent, AuditEventConnection } from './audit-event.type';
import { AuditEventsArgs } from './audit.args';
import { countAuditEvents, listAuditEvents } from './audit.store';

const isAuditCursor = (value: unknown): value is number => Number.isSafeInteger(value);

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Auth(Role.ADMIN)
  @Query(() => AuditEventConnection, { description: 'The audit log, newest first.' })
  async auditEvents(
    @Args(() => AuditEventsArgs) args: AuditEventsArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<AuditEventRow>> {
    const limit = checkPageSize(args.first);
    const afterId = args.after ? decodeCursor(args.after, isAuditCursor) : undefined;
    const filter = args.userId == null ? {} : { userId: checkUserId(args.userId, 'userId') };
    const { db } = context.services;
    const [rows, totalCount] = await Promise.all([
      listAuditEvents(db, filter, { limit: limit + 1, afterId }),
      countAuditEvents(db, filter),
    ]);
    return toConnection(
      rows,
      limit,
      totalCount,
      (row) => row,
      (row) => encodeCursor(row.id),
    );
  }
}
