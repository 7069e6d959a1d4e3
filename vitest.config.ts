import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "flowspec/runtime/backend": fileURLToPath(new URL("./runtime/backend.ts", import.meta.url)),
      "flowspec/runtime": fileURLToPath(new URL("./runtime/index.ts", import.meta.url)),
      "flowspec/compiler": fileURLToPath(new URL("./compiler/index.ts", import.meta.url)),
      "flowspec/client": fileURLToPath(new URL("./client/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
    pool: "forks",
  },
});
