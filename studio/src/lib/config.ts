/** The studio's runtime configuration, fetched from `/config.json` at start (never built in). */
export interface StudioConfig {
  /** The API's base URL, relative to the studio's origin ("/api") or absolute. */
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Cognito's endpoint: AWS's regional one, or the local stack's. */
  cognitoEndpoint: string;
}

const REQUIRED: (keyof StudioConfig)[] = ["apiUrl", "region", "userPoolId", "userPoolClientId", "cognitoEndpoint"];

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Checks the shape of a parsed config.json and resolves `apiUrl` against the page's origin. */
export function parseConfig(value: unknown, origin: string): StudioConfig {
  if (typeof value !== "object" || value === null) {
    throw new ConfigError("config.json is not a JSON object");
  }
  const record = value as Record<string, unknown>;
  const missing = REQUIRED.filter((key) => typeof record[key] !== "string" || record[key] === "");
  if (missing.length > 0) {
    throw new ConfigError(`config.json lacks ${missing.join(", ")}`);
  }
  const config = Object.fromEntries(REQUIRED.map((key) => [key, record[key] as string])) as unknown as StudioConfig;
  return { ...config, apiUrl: resolveApiUrl(config.apiUrl, origin) };
}

/** An absolute API base without a trailing slash: "/api" on https://studio.example → https://studio.example/api. */
export function resolveApiUrl(apiUrl: string, origin: string): string {
  return new URL(apiUrl, origin).href.replace(/\/+$/, "");
}

export async function loadConfig(origin = window.location.origin): Promise<StudioConfig> {
  let response: Response;
  try {
    response = await fetch("/config.json", { cache: "no-store", headers: { Accept: "application/json" } });
  } catch {
    throw new ConfigError("The studio could not fetch its configuration (config.json): check your connection");
  }
  if (!response.ok) {
    throw new ConfigError(`The studio's configuration (config.json) answered ${response.status}`);
  }
  return parseConfig(await response.json(), origin);
}
