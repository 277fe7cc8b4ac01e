import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { describeError } from "@/lib/errors";
import type { AuthService } from "./api/sign-in-steps";

export type AuthState =
  | { status: "loading" }
  | { status: "signedIn"; email: string }
  | { status: "signedOut"; notice?: string };

interface AuthContextValue {
  state: AuthState;
  service: AuthService;
  /** A sign-in finished: the user is in. */
  completeSignIn: (email: string) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export const SESSION_EXPIRED_NOTICE = "Your session has expired. Sign in again to go on.";

export function AuthProvider({ service, children }: { service: AuthService; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: "loading" });

  useEffect(() => {
    let live = true;
    service
      .restoreSession()
      .then((email) => live && setState(email ? { status: "signedIn", email } : { status: "signedOut" }))
      .catch((error: unknown) => live && setState({ status: "signedOut", notice: describeError(error) }));
    const stopListening = service.onSessionExpired(() => {
      queryClient.clear();
      setState({ status: "signedOut", notice: SESSION_EXPIRED_NOTICE });
    });
    return () => {
      live = false;
      stopListening();
    };
  }, [service, queryClient]);

  const completeSignIn = useCallback((email: string) => setState({ status: "signedIn", email }), []);
  const signOut = useCallback(async () => {
    await service.signOut();
    queryClient.clear();
    setState({ status: "signedOut", notice: "You are signed out." });
  }, [service, queryClient]);

  const value = useMemo(() => ({ state, service, completeSignIn, signOut }), [state, service, completeSignIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
