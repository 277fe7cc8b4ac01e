import { useState } from "react";
import { Link, Navigate, Outlet, useLocation, useNavigation } from "react-router";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Loading } from "@/components/Loading";
import { StatusMessage } from "@/components/StatusMessage";
import { useAuth } from "@/features/auth/auth-context";
import { UploadsProvider } from "@/features/uploads/uploads-context";

/** Every screen behind sign-in: the header (who is signed in, sign out) and the screen itself. */
export function AppLayout() {
  const { state, signOut } = useAuth();
  const location = useLocation();
  const navigation = useNavigation();
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (state.status === "loading") return <Loading what="your session" />;
  if (state.status === "signedOut") return <Navigate to="/sign-in" replace state={{ from: location }} />;

  async function leave() {
    setSigningOut(true);
    try {
      await signOut();
    } catch (failure) {
      setError(failure);
      setSigningOut(false);
    }
  }

  return (
    <UploadsProvider>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          NullCheck Studio
        </Link>
        <nav aria-label="Main">
          <Link to="/">Episodes</Link>
        </nav>
        <span className="signed-in-as">{state.email}</span>
        <button type="button" className="quiet" onClick={() => void leave()} disabled={signingOut}>
          Sign out
        </button>
      </header>
      <ErrorAlert error={error} />
      <main id="main" tabIndex={-1} className="page">
        {navigation.state === "loading" && <StatusMessage>Loading…</StatusMessage>}
        <Outlet />
      </main>
    </UploadsProvider>
  );
}
