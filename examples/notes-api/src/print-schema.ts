import 'reflect-metadata';
import { printCombinedSchema } from 'token-warden';
import { resolvers } from './resolvers';

// Token Warden's operations and ours in one SDL, for this app's clients' codegen.
process.stdout.write(printCombinedSchema(resolvers));
