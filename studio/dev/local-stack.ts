import { existsSync, readFileSync } from "node:fs";
import type { Plugin } from "vite";

interface LocalStackFile {
  apiUrl: string;
  region: string;
  cognito: { endpoint: string; userPoolId: string; userPoolClientId: string };
}

const stackFile = new URL("../../.nullcheck/local-stack.json", import.meta.url);

function readStack(): LocalStackFile | undefined {
  return existsSync(stackFile) ? (JSON.parse(readFileSync(stackFile, "utf8")) as LocalStackFile) : undefined;
}

/**
 * `npm run dev` beside `make dev`: serves /config.json made from the local stack's file and
 * proxies /api to its API, so the dev server behaves like the studio's own origin. Build output
 * never contains either.
 */
export function localStack(): Plugin {
  return {
    name: "nullcheck-local-stack",
    apply: "serve",
    config() {
      const stack = readStack();
      if (!stack) return {};
      return { server: { proxy: { "/api": { target: new URL(stack.apiUrl).origin, changeOrigin: true } } } };
    },
    configureServer(server) {
      server.middlewares.use("/config.json", (_request, response) => {
        const stack = readStack();
        if (!stack) {
          response.statusCode = 404;
          response.end("Start the local stack first: make dev");
          return;
        }
        response.setHeader("Content-Type", "application/json");
        response.end(
          JSON.stringify({
            apiUrl: "/api",
            region: stack.region,
            userPoolId: stack.cognito.userPoolId,
            userPoolClientId: stack.cognito.userPoolClientId,
            cognitoEndpoint: stack.cognito.endpoint,
          }),
        );
      });
    },
  };
}
