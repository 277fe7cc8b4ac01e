/** Where a sign-in stands: done, or the challenge Cognito asks the user to answer next. */
export type SignInStep =
  | { kind: "signedIn"; email: string }
  | { kind: "newPasswordRequired"; submit(newPassword: string): Promise<SignInStep> }
  | { kind: "totpRequired"; submit(code: string): Promise<SignInStep> }
  | {
      kind: "mfaSetupRequired";
      /** The authenticator app's key, and the same as an otpauth:// URI. */
      secretCode: string;
      otpauthUri: string;
      submit(code: string): Promise<SignInStep>;
    };

/** What the studio needs from its identity provider (Cognito here; mocked in tests). */
export interface AuthService {
  /** Starts a sign-in with the user's email and password (SRP: the password is never sent). */
  signIn(email: string, password: string): Promise<SignInStep>;
  /** The signed-in user's email when a session lives (refreshing it if needed), else null. */
  restoreSession(): Promise<string | null>;
  /** A valid ID token, refreshed when near expiry; rejects with SessionExpiredError. */
  idToken(): Promise<string>;
  /** Signs out everywhere when Cognito allows it, and always here. */
  signOut(): Promise<void>;
  /** Called when the session ends without the user signing out (refresh failed, API refused it). */
  onSessionExpired(listener: () => void): () => void;
  /** Forgets the session on this device and tells the listeners. */
  expireSession(): void;
}
