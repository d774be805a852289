import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** What Sandbox opens with: sign in, then ask who you are once the Authorization header is set. */
const SANDBOX_EXAMPLE_OPERATION = `# 1. Run "SignIn" and copy the accessToken from the answer.
# 2. In the Headers tab below, add: Authorization = Bearer <accessToken>
# 3. Run "WhoAmI".
mutation SignIn($email: EmailAddress!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken
    accessTokenExpiresAt
    user { id email role }
  }
}

query WhoAmI {
  me { id email role }
}
`;

/** Sandbox on `GET /graphql` in development; nothing there in production. */
export function landingPagePlugin(production: boolean): ApolloServerPlugin {
  if (production) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: { runTelemetry: false, endpointIsEditable: false },
    includeCookies: false,
    document: SANDBOX_EXAMPLE_OPERATION,
    variables: { email: 'admin@example.com', password: '' },
  });
}
