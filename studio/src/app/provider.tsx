import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { createCognitoAuth } from "@/features/auth/api/cognito-auth";
import { AuthProvider } from "@/features/auth/auth-context";
import { createApiClient } from "@/lib/api-client";
import { ApiProvider } from "@/lib/api-context";
import type { StudioConfig } from "@/lib/config";
import { createQueryClient } from "@/lib/query-client";

/** The studio's services, made once from the runtime config: sign-in, API client, server state. */
function createServices(config: StudioConfig) {
  const auth = createCognitoAuth(config);
  const api = createApiClient(config.apiUrl, {
    idToken: () => auth.idToken(),
    onUnauthorized: () => auth.expireSession(),
  });
  return { auth, api, queryClient: createQueryClient() };
}

export function AppProvider({ config, children }: { config: StudioConfig; children: ReactNode }) {
  const [services] = useState(() => createServices(config));
  return (
    <QueryClientProvider client={services.queryClient}>
      <AuthProvider service={services.auth}>
        <ApiProvider client={services.api}>{children}</ApiProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
