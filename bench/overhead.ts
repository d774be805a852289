import type { ServerChild } from './server-child';
import type { Configuration } from './throughput';

/** The id every configuration is also compared with: the framework alone. */
export const FRAMEWORK_ID = 'embedded/bare';

/** A realistic authenticated operation: the token checked, then a user read from the database. */
export const ME_QUERY = '{ me { id email role } }';

export function frameworkConfiguration(bare: ServerChild): Configuration {
  return {
    id: FRAMEWORK_ID,
    label: 'Bare Apollo Server 5 + Express 5, same schema, `{ __typename }`',
    database: 'embedded',
    server: bare,
    url: bare.url,
    token: undefined,
    expectStatus: 200,
    baselineId: FRAMEWORK_ID,
    authenticated: false,
  };
}
