import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed operations for the example client, generated from the committed schema.graphql. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/client/**/*.ts', '!examples/client/generated/**'],
  generates: {
    'examples/client/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', EmailAddress: 'string' },
      },
    },
  },
};

export default config;
