import { Navigate, useLocation, useNavigate } from "react-router";
import { Loading } from "@/components/Loading";
import { StatusMessage } from "@/components/StatusMessage";
import { useDocumentTitle } from "@/components/use-document-title";
import { useAuth } from "@/features/auth/auth-context";
import { SignInForm } from "@/features/auth/components/SignInForm";

/** Where the user was going before being sent to sign in. */
function destination(state: unknown): string {
  const from = (state as { from?: { pathname?: string; search?: string } } | null)?.from;
  return from?.pathname ? `${from.pathname}${from.search ?? ""}` : "/";
}

export function SignInRoute() {
  useDocumentTitle("Sign in");
  const { state, completeSignIn } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  if (state.status === "loading") return <Loading what="your session" />;
  if (state.status === "signedIn") return <Navigate to={destination(location.state)} replace />;
  return (
    <main id="main" className="page narrow">
      <h1>Sign in to NullCheck Studio</h1>
      {state.notice && <StatusMessage className="notice">{state.notice}</StatusMessage>}
      <SignInForm
        onSignedIn={(email) => {
          completeSignIn(email);
          void navigate(destination(location.state), { replace: true });
        }}
      />
    </main>
  );
}
