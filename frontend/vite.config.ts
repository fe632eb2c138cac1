import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

/** The build lands inside the Python package (catalog/ui), which Starlette serves at `/`:
 * an installed catalog serves its web catalog with no node. `npm run dev` proxies the API
 * to a `catalog serve` on port 8000. */
const api = "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../catalog/ui",
    emptyOutDir: true,
    assetsDir: "static",
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: Object.fromEntries(
      ["/graphql", "/manifest", "/download", "/files", "/healthz"].map((path) => [path, api]),
    ),
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    testTimeout: 20_000, // a loaded CI machine renders slowly; see src/test/setup.ts
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
