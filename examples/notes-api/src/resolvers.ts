import { NoteResolver } from './notes/note.resolver';

/** The app's resolvers, shared by the server and the schema printer. */
export const resolvers = [NoteResolver];
