import type { CodegenConfig } from '@graphql-codegen/cli';

const CLIENT_PRESET = {
  preset: 'client',
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    scalars: { DateTime: 'string', EmailAddress: 'string', JSONObject: 'Record<string, unknown>' },
  },
} as const;

/** Typed operations for the example clients, generated from the committed schema.graphql. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'examples/client/generated/': {
      ...CLIENT_PRESET,
      documents: ['examples/client/**/*.ts', '!examples/client/generated/**'],
    },
    'examples/web/src/generated/': {
      ...CLIENT_PRESET,
      documents: ['examples/web/src/**/*.ts', '!examples/web/src/generated/**'],
    },
  },
};

export default config;
