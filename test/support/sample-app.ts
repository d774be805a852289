import { Readable } from 'node:stream';
import { Ctx, Field, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Auth, Public, requireViewer, Role, type RequestContext } from '../../src/index';

/** A whole app type behind ADMIN: every field of it is refused to a USER. */
@Auth(Role.ADMIN)
@ObjectType()
export class Moderation {
  @Field(() => Int)
  pending!: number;
}

@ObjectType()
export class Profile {
  @Field()
  userId!: string;

  @Auth(Role.ADMIN)
  @Field(() => String, { nullable: true })
  internalNote!: string | null;
}

/** 1, 2, … `count`, as the stream a subscription reads. */
const ticks = (count: number): AsyncIterable<number> =>
  Readable.from(Array.from({ length: count }, (_, index) => index + 1)) as AsyncIterable<number>;

@Resolver()
export class SampleAppResolver {
  @Public()
  @Query(() => String)
  greeting(): string {
    return 'hello';
  }

  @Auth()
  @Query(() => Profile)
  profile(@Ctx() context: RequestContext): Profile {
    return { userId: requireViewer(context).userId, internalNote: 'watch this one' };
  }

  @Auth()
  @Query(() => Moderation)
  moderation(): Moderation {
    return { pending: 3 };
  }

  @Auth()
  @Subscription(() => Int, { subscribe: () => ticks(3) })
  tick(@Root() tick: number): number {
    return tick;
  }

  @Public()
  @Subscription(() => Int, { subscribe: () => ticks(1) })
  publicTick(@Root() tick: number): number {
    return tick;
  }
}

/** An app subscription behind step-up: refused where it starts to a sign-in too old for it. */
@Resolver()
export class StepUpAppResolver {
  @Auth(Role.USER, { stepUp: true })
  @Subscription(() => Int, { subscribe: () => ticks(2) })
  sensitiveTick(@Root() tick: number): number {
    return tick;
  }
}

@Resolver()
export class UnguardedResolver {
  @Query(() => String)
  leak(): string {
    return 'secret';
  }

  @Subscription(() => Int, { subscribe: () => ticks(1) })
  drip(@Root() tick: number): number {
    return tick;
  }
}

@Resolver()
export class ContradictoryResolver {
  @Auth()
  @Public()
  @Query(() => String)
  undecided(): string {
    return 'which?';
  }
}

@Resolver()
export class ShadowingResolver {
  @Public()
  @Query(() => String)
  me(): string {
    return 'not the real me';
  }
}
