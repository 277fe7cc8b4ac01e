import { fileURLToPath, URL } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";
import { localStack } from "./dev/local-stack.ts";

export default defineConfig({
  plugins: [react(), localStack()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  // amazon-cognito-identity-js bundles buffer@4, which reads Node's `global`.
  define: { global: "globalThis" },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    // Deep links (/episodes/…) are served index.html by the host: keep every URL absolute.
    emptyOutDir: true,
    // hls.js (about 580 kB, 180 kB gzipped) is one chunk, loaded only by the clip preview.
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/testing/setup.ts"],
    css: false,
    restoreMocks: true,
  },
});
