import { defineConfig } from "vite";

// One page, its script and style, no external resources; built into dist/ (which the local
// module's Maven build copies into the runtime's jar, and the CDK stack uploads to S3).
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0, modulePreload: { polyfill: false } },
});
