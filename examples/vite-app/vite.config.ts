// The example app's Vite config. In an app of your own: `import flowspec from "flowspec/vite"`.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import flowspec from "../../compiler/vite.js";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [flowspec()],
  resolve: {
    // Inside this repository the runtime is used from source; an installed flowspec needs no alias.
    alias: { "flowspec/runtime": fileURLToPath(new URL("../../runtime/index.ts", import.meta.url)) },
  },
  build: {
    // A Node program: `vite build` writes dist/index.js, run with `node dist/index.js pirates`.
    ssr: "index.ts",
    outDir: "dist",
    target: "node20",
    emptyOutDir: true,
  },
});
