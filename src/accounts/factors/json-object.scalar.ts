import { GraphQLScalarType } from 'graphql';
import { JSONObjectResolver } from 'graphql-scalars';

/** graphql-scalars' JSONObject, described by its RFC: WebAuthn's options and responses travel as such objects. */
export const JSONObjectScalar = new GraphQLScalarType({
  ...JSONObjectResolver.toConfig(),
  description: 'A JSON object (RFC 8259), such as the JSON forms of WebAuthn options and responses.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc8259',
});
