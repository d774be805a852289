import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import {
  Auth,
  badUserInput,
  isStorableText,
  isUuid,
  notFound,
  Public,
  requireViewer,
  Role,
  type RequestContext,
  type Viewer,
} from 'token-warden';
import { CreateNoteArgs } from './note.args';
import { countNotes, deleteNote, findNote, insertNote, listNotes } from './note.store';
import { Note } from './note.type';

const MAX_TITLE = 200;
const MAX_BODY = 10_000;

function checkText(value: string, argument: string, min: number, max: number): string {
  if (value.length < min || value.length > max || !isStorableText(value)) {
    throw badUserInput(`${argument} must be ${min} to ${max} characters of text`);
  }
  return value;
}

/** A malformed id names no note: answered like any note the caller cannot see. */
function checkNoteId(id: string): string {
  if (!isUuid(id)) throw notFound('No such note.');
  return id;
}

/** The ownership rule: a user reaches their own notes; an administrator reaches everyone's. */
const ownerScope = (viewer: Viewer): string | null => (viewer.role === Role.ADMIN ? null : viewer.userId);

@Resolver()
export class NoteResolver {
  @Auth()
  @Query(() => [Note], { description: 'My notes, newest first.' })
  notes(@Ctx() context: RequestContext): Promise<Note[]> {
    return listNotes(context.services.db, requireViewer(context).userId);
  }

  @Auth()
  @Query(() => Note, { description: 'One of my notes; anyone else’s is NOT_FOUND, as if it did not exist.' })
  async note(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<Note> {
    const scope = ownerScope(requireViewer(context));
    const row = await findNote(context.services.db, checkNoteId(id));
    if (!row || (scope !== null && row.ownerId !== scope)) throw notFound('No such note.');
    return row;
  }

  @Auth(Role.ADMIN)
  @Query(() => [Note], { description: 'Everyone’s notes, newest first.' })
  allNotes(@Ctx() context: RequestContext): Promise<Note[]> {
    return listNotes(context.services.db, null);
  }

  @Public()
  @Query(() => Int, { description: 'How many notes there are, for the landing page.' })
  noteCount(@Ctx() context: RequestContext): Promise<number> {
    return countNotes(context.services.db);
  }

  @Auth()
  @Mutation(() => Note)
  createNote(
    @Args(() => CreateNoteArgs) { title, body }: CreateNoteArgs,
    @Ctx() context: RequestContext,
  ): Promise<Note> {
    return insertNote(
      context.services.db,
      requireViewer(context).userId,
      checkText(title, 'title', 1, MAX_TITLE),
      checkText(body, 'body', 0, MAX_BODY),
    );
  }

  @Auth()
  @Mutation(() => Boolean, { description: 'Deletes one of my notes (an administrator: anyone’s).' })
  async deleteNote(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<boolean> {
    const scope = ownerScope(requireViewer(context));
    if (!(await deleteNote(context.services.db, checkNoteId(id), scope))) throw notFound('No such note.');
    return true;
  }
}
