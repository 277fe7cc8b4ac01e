import { useState, type SubmitEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { StatusMessage } from "@/components/StatusMessage";
import { TextField } from "@/components/TextField";
import type { SignInStep } from "../api/sign-in-steps";
import { formText } from "@/lib/form-data";

type Challenge = Exclude<SignInStep, { kind: "signedIn" }>;

interface ChallengeFormProps {
  step: Challenge;
  busy: boolean;
  error: unknown;
  onAnswer: (answer: () => Promise<SignInStep>) => void;
}

/** The challenge of a sign-in in progress: a new password, or an authenticator app's code. */
export function ChallengeForm({ step, busy, error, onAnswer }: ChallengeFormProps) {
  const [mismatch, setMismatch] = useState(false);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (step.kind === "newPasswordRequired") {
      const password = formText(form, "newPassword");
      setMismatch(password !== formText(form, "confirmPassword"));
      if (password === formText(form, "confirmPassword")) onAnswer(() => step.submit(password));
      return;
    }
    const code = formText(form, "code").replace(/\s+/g, "");
    onAnswer(() => step.submit(code));
  }

  return (
    <form onSubmit={submit} className="stack" aria-busy={busy}>
      {step.kind === "newPasswordRequired" ? (
        <>
          <h2>Choose a new password</h2>
          <p>Your account has a temporary password: choose your own to go on.</p>
          <TextField label="New password" name="newPassword" type="password" autoComplete="new-password" required />
          <TextField
            label="Confirm new password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
          />
        </>
      ) : (
        <>
          <h2>{step.kind === "mfaSetupRequired" ? "Set up an authenticator app" : "Enter your authenticator code"}</h2>
          {step.kind === "mfaSetupRequired" && (
            <p>
              Add this key to your authenticator app: <code className="secret">{step.secretCode}</code> (or open{" "}
              <a href={step.otpauthUri}>the setup link</a> on a phone), then enter the code it shows.
            </p>
          )}
          <TextField
            label="Authenticator code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,8}"
            required
          />
        </>
      )}
      <ErrorAlert error={mismatch ? "The passwords do not match." : error} />
      {busy && <StatusMessage>Checking…</StatusMessage>}
      <button type="submit" disabled={busy}>
        {step.kind === "newPasswordRequired" ? "Set new password" : "Verify code"}
      </button>
    </form>
  );
}
