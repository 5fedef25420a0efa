// ESLint flat config: typescript-eslint, plus the import boundaries of docs/architecture.md:
// the core never imports an adapter, an adapter never imports another adapter.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const adapters = ["native", "xmpp", "irc"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "data/**", "bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    files: ["src/core/**/*.ts", "src/store/**/*.ts", "src/config/**/*.ts", "src/util/**/*.ts", "src/cli/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/adapters/**"], message: "The core, store, config, util and the CLI's commands never import an adapter." }] }],
    },
  },
  ...adapters.map((name) => ({
    files: [`src/adapters/${name}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: adapters
            .filter((other) => other !== name)
            .map((other) => ({ group: [`**/adapters/${other}/**`, `../${other}/**`], message: "An adapter never imports another adapter." })),
        },
      ],
    },
  })),
  {
    files: ["src/main.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
