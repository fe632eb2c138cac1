import type { CodegenConfig } from "@graphql-codegen/cli";

/** Operation types come from the server's contract, so a schema change that breaks a query
 * fails `tsc` in CI. Documents are plain strings at run time: no GraphQL parser is shipped. */
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: "string", Date: "string", JSON: "unknown" },
      },
    },
  },
};

export default config;
