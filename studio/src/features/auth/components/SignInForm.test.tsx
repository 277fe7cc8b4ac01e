import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SignInStep } from "../api/sign-in-steps";
import { SignInForm } from "./SignInForm";

const auth = vi.hoisted(() => ({ signIn: vi.fn<(email: string, password: string) => Promise<SignInStep>>() }));

vi.mock("../auth-context", () => ({ useAuth: () => ({ service: auth }) }));

async function signIn(email = "producer@example.com", password = "Secret-123") {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return user;
}

describe("SignInForm", () => {
  beforeEach(() => {
    auth.signIn.mockReset();
  });

  it("signs in with email and password", async () => {
    auth.signIn.mockResolvedValue({ kind: "signedIn", email: "producer@example.com" });
    const onSignedIn = vi.fn();
    render(<SignInForm onSignedIn={onSignedIn} />);
    await signIn();
    expect(auth.signIn).toHaveBeenCalledWith("producer@example.com", "Secret-123");
    expect(onSignedIn).toHaveBeenCalledWith("producer@example.com");
  });

  it("says why a sign-in failed and lets the user try again", async () => {
    auth.signIn.mockRejectedValue(new Error("Incorrect username or password."));
    const onSignedIn = vi.fn();
    render(<SignInForm onSignedIn={onSignedIn} />);
    await signIn();
    expect(await screen.findByRole("alert")).toHaveTextContent("Incorrect username or password.");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("shows that it is at work while Cognito answers", async () => {
    auth.signIn.mockReturnValue(new Promise(() => undefined));
    render(<SignInForm onSignedIn={vi.fn()} />);
    await signIn();
    expect(screen.getByRole("status")).toHaveTextContent("Signing in…");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeDisabled();
  });

  it("asks for a new password at the first sign-in, then for the authenticator code", async () => {
    const sendCode = vi.fn().mockResolvedValue({ kind: "signedIn", email: "producer@example.com" });
    const setPassword = vi.fn().mockResolvedValue({ kind: "totpRequired", submit: sendCode });
    auth.signIn.mockResolvedValue({ kind: "newPasswordRequired", submit: setPassword });
    const onSignedIn = vi.fn();
    render(<SignInForm onSignedIn={onSignedIn} />);
    const user = await signIn();

    expect(await screen.findByRole("heading", { name: "Choose a new password" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("New password"), "Better-Secret-1");
    await user.type(screen.getByLabelText("Confirm new password"), "Better-Secret-2");
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect(screen.getByRole("alert")).toHaveTextContent("The passwords do not match.");
    expect(setPassword).not.toHaveBeenCalled();

    await user.clear(screen.getByLabelText("Confirm new password"));
    await user.type(screen.getByLabelText("Confirm new password"), "Better-Secret-1");
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect(setPassword).toHaveBeenCalledWith("Better-Secret-1");

    expect(await screen.findByRole("heading", { name: "Enter your authenticator code" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("Authenticator code"), "123 456");
    await user.click(screen.getByRole("button", { name: "Verify code" }));
    expect(sendCode).toHaveBeenCalledWith("123456");
    expect(onSignedIn).toHaveBeenCalledWith("producer@example.com");
  });

  it("shows a wrong code's refusal and keeps asking for the code", async () => {
    const sendCode = vi.fn().mockRejectedValue(new Error("Invalid code received for user"));
    auth.signIn.mockResolvedValue({ kind: "totpRequired", submit: sendCode });
    render(<SignInForm onSignedIn={vi.fn()} />);
    const user = await signIn();
    await user.type(await screen.findByLabelText("Authenticator code"), "000000");
    await user.click(screen.getByRole("button", { name: "Verify code" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Invalid code received for user");
    expect(screen.getByLabelText("Authenticator code")).toBeInTheDocument();
  });

  it("shows the key to set up an authenticator app when MFA is required", async () => {
    auth.signIn.mockResolvedValue({
      kind: "mfaSetupRequired",
      secretCode: "JBSWY3DPEHPK3PXP",
      otpauthUri: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
      submit: vi.fn(),
    });
    render(<SignInForm onSignedIn={vi.fn()} />);
    await signIn();
    expect(await screen.findByRole("heading", { name: "Set up an authenticator app" })).toBeInTheDocument();
    expect(screen.getByText("JBSWY3DPEHPK3PXP")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "the setup link" })).toHaveAttribute(
      "href",
      "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
    );
  });
});
