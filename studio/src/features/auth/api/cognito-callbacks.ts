import type { CognitoUser, CognitoUserSession, IAuthenticationCallback } from "amazon-cognito-identity-js";
import type { SignInStep } from "./sign-in-steps";

const ISSUER = "NullCheck Studio";

export function emailOf(session: CognitoUserSession, fallback: string): string {
  const email: unknown = session.getIdToken().decodePayload().email;
  return typeof email === "string" ? email : fallback;
}

/** Cognito's errors carry their words in `message`; a failed fetch says "Network error". */
export function signInError(error: unknown): Error {
  if (error instanceof Error) {
    if (error.message === "Network error") {
      return new Error("The studio could not reach the sign-in service: check your connection and try again.");
    }
    return new Error(error.message || error.name || "Sign-in failed.");
  }
  return new Error("Sign-in failed.");
}

/**
 * The callbacks of one step of a Cognito sign-in, resolving to the next SignInStep. Each
 * challenge's `submit` answers it with callbacks of the same kind, so a new password can lead to
 * an MFA code, and so on.
 */
export function stepCallbacks(
  user: CognitoUser,
  resolve: (step: SignInStep) => void,
  reject: (error: Error) => void,
): IAuthenticationCallback {
  const next = (answer: (callbacks: IAuthenticationCallback) => void) =>
    new Promise<SignInStep>((resolveNext, rejectNext) => answer(stepCallbacks(user, resolveNext, rejectNext)));
  return {
    onSuccess: (session) => resolve({ kind: "signedIn", email: emailOf(session, user.getUsername()) }),
    onFailure: (error: unknown) => reject(signInError(error)),
    newPasswordRequired: () =>
      resolve({
        kind: "newPasswordRequired",
        submit: (newPassword) => next((callbacks) => user.completeNewPasswordChallenge(newPassword, {}, callbacks)),
      }),
    totpRequired: () =>
      resolve({
        kind: "totpRequired",
        submit: (code) => next((callbacks) => user.sendMFACode(code, callbacks, "SOFTWARE_TOKEN_MFA")),
      }),
    mfaSetup: () =>
      user.associateSoftwareToken({
        associateSecretCode: (secretCode) =>
          resolve({
            kind: "mfaSetupRequired",
            secretCode,
            otpauthUri: `otpauth://totp/${encodeURIComponent(`${ISSUER}:${user.getUsername()}`)}?secret=${secretCode}&issuer=${encodeURIComponent(ISSUER)}`,
            submit: (code) =>
              next((callbacks) =>
                user.verifySoftwareToken(code, ISSUER, {
                  onSuccess: (session) => callbacks.onSuccess(session),
                  onFailure: (error) => callbacks.onFailure(error),
                }),
              ),
          }),
        onFailure: (error: unknown) => reject(signInError(error)),
      }),
  };
}
