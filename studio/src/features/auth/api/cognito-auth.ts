import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import type { StudioConfig } from "@/lib/config";
import { SessionExpiredError } from "@/lib/errors";
import { emailOf, stepCallbacks } from "./cognito-callbacks";
import type { AuthService, SignInStep } from "./sign-in-steps";

/** Refresh the tokens when the ID token has less than this left (seconds). */
const REFRESH_BEFORE_SECONDS = 120;

function sessionOf(user: CognitoUser): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) =>
    user.getSession((error: Error | null, session: CognitoUserSession | null) =>
      error || !session ? reject(error ?? new Error("no session")) : resolve(session),
    ),
  );
}

function refreshed(user: CognitoUser, session: CognitoUserSession): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) =>
    user.refreshSession(session.getRefreshToken(), (error: unknown, fresh: CognitoUserSession) =>
      error ? reject(error instanceof Error ? error : new Error("The session could not be refreshed")) : resolve(fresh),
    ),
  );
}

/** The library records how far this clock is from Cognito's (not in its type definitions). */
type SessionWithDrift = CognitoUserSession & { getClockDrift?: () => number };

function secondsLeft(session: SessionWithDrift): number {
  const now = Math.floor(Date.now() / 1000) - (session.getClockDrift?.() ?? 0);
  return session.getIdToken().getExpiration() - now;
}

const isNetworkError = (error: unknown) => error instanceof Error && error.message === "Network error";

/** Sign-in with Cognito (amazon-cognito-identity-js: SRP, challenges, tokens kept in localStorage). */
export function createCognitoAuth(config: StudioConfig): AuthService {
  const pool = new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.userPoolClientId,
    endpoint: config.cognitoEndpoint,
  });
  const listeners = new Set<() => void>();
  let pendingToken: Promise<CognitoUserSession> | null = null;

  function expireSession() {
    pool.getCurrentUser()?.signOut();
    listeners.forEach((listener) => listener());
  }

  async function liveSession(): Promise<CognitoUserSession> {
    const user = pool.getCurrentUser();
    if (!user) throw new SessionExpiredError("You are signed out: sign in again.");
    try {
      const session = await sessionOf(user);
      return secondsLeft(session) < REFRESH_BEFORE_SECONDS ? await refreshed(user, session) : session;
    } catch (error) {
      if (isNetworkError(error)) {
        throw new TypeError("The studio could not reach the sign-in service.", { cause: error });
      }
      expireSession();
      throw new SessionExpiredError();
    }
  }

  /** One refresh at a time, however many requests ask for a token at once. */
  function sharedSession(): Promise<CognitoUserSession> {
    pendingToken ??= liveSession().finally(() => {
      pendingToken = null;
    });
    return pendingToken;
  }

  return {
    signIn(email, password) {
      const user = new CognitoUser({ Username: email.trim(), Pool: pool });
      user.setAuthenticationFlowType("USER_SRP_AUTH");
      const details = new AuthenticationDetails({ Username: email.trim(), Password: password });
      return new Promise<SignInStep>((resolve, reject) =>
        user.authenticateUser(details, stepCallbacks(user, resolve, reject)),
      );
    },
    async restoreSession() {
      const user = pool.getCurrentUser();
      if (!user) return null;
      return emailOf(await sharedSession(), user.getUsername());
    },
    async idToken() {
      return (await sharedSession()).getIdToken().getJwtToken();
    },
    async signOut() {
      const user = pool.getCurrentUser();
      if (!user) return;
      try {
        await sessionOf(user);
        await new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
      } catch {
        // Signing out everywhere may be refused (or unsupported locally): this device forgets the session anyway.
      } finally {
        user.signOut();
      }
    },
    onSessionExpired(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    expireSession,
  };
}
