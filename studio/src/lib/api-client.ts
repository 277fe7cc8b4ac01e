import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "./api/schema";
import { apiErrorFromResponse } from "./errors";

export type ApiClient = Client<paths>;

/** Where the client gets its token, and whom it tells when the API refuses it. */
export interface TokenSource {
  /** A valid Cognito ID token, refreshed when near expiry; rejects with SessionExpiredError. */
  idToken(): Promise<string>;
  /** The API answered 401: the token is no longer good for it. */
  onUnauthorized(): void;
}

/** The typed API client (types generated from openapi/nullcheck.json), sending `Bearer <ID token>`. */
export function createApiClient(baseUrl: string, tokens: TokenSource, fetchImpl?: typeof fetch): ApiClient {
  const client = createClient<paths>({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const authorization: Middleware = {
    async onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${await tokens.idToken()}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) tokens.onUnauthorized();
      return undefined;
    },
  };
  client.use(authorization);
  return client;
}

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError with the API's `message`, status and `Retry-After`. */
export async function unwrap<D>(pending: Promise<Answer<D>>): Promise<D> {
  const { data, error, response } = await pending;
  if (!response.ok || error !== undefined) throw apiErrorFromResponse(response, error);
  return data as D;
}
