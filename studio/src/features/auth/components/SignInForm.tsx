import { useState, type SubmitEvent } from "react";
import { ErrorAlert } from "@/components/ErrorAlert";
import { StatusMessage } from "@/components/StatusMessage";
import { TextField } from "@/components/TextField";
import type { SignInStep } from "../api/sign-in-steps";
import { useAuth } from "../auth-context";
import { ChallengeForm } from "./ChallengeForm";
import { formText } from "@/lib/form-data";

/** Email and password, then whatever challenge Cognito asks (new password, authenticator code). */
export function SignInForm({ onSignedIn }: { onSignedIn: (email: string) => void }) {
  const { service } = useAuth();
  const [step, setStep] = useState<SignInStep | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function advance(next: () => Promise<SignInStep>) {
    setBusy(true);
    setError(null);
    try {
      const result = await next();
      if (result.kind === "signedIn") onSignedIn(result.email);
      else setStep(result);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function submitCredentials(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void advance(() => service.signIn(formText(form, "email"), formText(form, "password")));
  }

  if (step && step.kind !== "signedIn") {
    return <ChallengeForm key={step.kind} step={step} busy={busy} error={error} onAnswer={(answer) => void advance(answer)} />;
  }
  return (
    <form onSubmit={submitCredentials} className="stack" aria-busy={busy}>
      <TextField label="Email" name="email" type="email" autoComplete="username" required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <ErrorAlert error={error} />
      {busy && <StatusMessage>Signing in…</StatusMessage>}
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
