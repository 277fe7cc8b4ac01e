import { QueryClient } from "@tanstack/react-query";
import { ApiError, SessionExpiredError, StorageError } from "./errors";

const MAX_RETRIES = 2;

/** Retry what may pass on a second try (network, 5xx); never a refusal that names the problem. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof SessionExpiredError || error instanceof StorageError) return false;
  if (error instanceof ApiError && error.status < 500) return false;
  return failureCount < MAX_RETRIES;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}
