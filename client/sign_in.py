"""`nullcheck login`'s conversation with Cognito: SRP or the password, then every challenge Cognito asks.

**The first step** is SRP (`USER_SRP_AUTH`: the password is proven, never sent) whenever the user pool
id is known (the local stack file, `--user-pool-id`, `NULLCHECK_USER_POOL_ID`): SRP is on in every
stack's app client, and trying the password first would send it to a stack that offers SRP only.
Without the pool id (SRP needs it) the password is sent (`USER_PASSWORD_AUTH`); a stack with
`allowPasswordAuth` false answers `InvalidParameterException` "USER_PASSWORD_AUTH flow not enabled for
this client", and the sign-in stops with what to pass instead.

**Challenges**, in whatever order Cognito asks them (a first sign-in in a pool with MFA `ON` asks for
a new password, then for an authenticator):

- `NEW_PASSWORD_REQUIRED`: an operator's temporary password is replaced by the user's own.
- `SOFTWARE_TOKEN_MFA`: the authenticator app's current 6-digit code.
- `MFA_SETUP`: MFA is `ON` and the user has no authenticator yet. `AssociateSoftwareToken` gives a
  secret (shown with its `otpauth://` URI, which authenticator apps read), `VerifySoftwareToken`
  checks a first code from the app and returns the session `MFA_SETUP` is answered with.

What the user is asked goes through `Answers`: the CLI prompts, tests answer directly.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote, urlencode

from botocore.exceptions import ClientError

from client.auth import SignInError, password_sign_in, set_new_password, srp_sign_in

ISSUER = "NullCheck"
"""How authenticator apps label the account (`otpauth://totp/NullCheck:{email}`)."""
DEVICE_NAME = "nullcheck CLI"
"""The name Cognito keeps for an authenticator set up here."""
PASSWORD_FLOW_NOT_ENABLED = "USER_PASSWORD_AUTH flow not enabled for this client"
MAX_CHALLENGES = 5
"""More challenges than a sign-in can ask (new password, MFA setup, MFA): a loop, not a sign-in."""


class Answers(Protocol):
    """What the person signing in is asked for."""

    def new_password(self) -> str:
        """Their own password, replacing an operator's temporary one."""
        ...

    def totp_code(self) -> str:
        """The authenticator app's current code."""
        ...

    def totp_setup_code(self, secret: str, uri: str) -> str:
        """Show the new authenticator's secret and URI; the app's first code for it."""
        ...


def otpauth_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The `otpauth://` URI authenticator apps read (Key URI format: SHA-1, 6 digits, 30 s, Cognito's TOTP)."""
    label = quote(f"{issuer}:{email}", safe="@:")
    return f"otpauth://totp/{label}?{urlencode({'secret': secret, 'issuer': issuer})}"


def is_password_flow_refusal(error: ClientError) -> bool:
    """Whether Cognito refused `USER_PASSWORD_AUTH` because the app client does not offer it (SRP only)."""
    details = error.response.get("Error", {})
    return details.get("Code") == "InvalidParameterException" and PASSWORD_FLOW_NOT_ENABLED in str(
        details.get("Message", "")
    )


def first_step(
    cognito: Any, *, client_id: str, user_pool_id: str | None, email: str, password: str, srp_only: bool = False
) -> dict[str, Any]:
    """SRP when the pool id is known, else the password flow (see the module's docstring)."""
    if user_pool_id:
        return srp_sign_in(cognito, user_pool_id, client_id, email, password)
    if srp_only:
        raise SignInError("SRP needs the user pool id: pass --user-pool-id or set NULLCHECK_USER_POOL_ID")
    try:
        return password_sign_in(cognito, client_id, email, password)
    except ClientError as error:
        if is_password_flow_refusal(error):
            raise SignInError(
                "this stack signs in with SRP only (the password is never sent): pass --user-pool-id or set"
                " NULLCHECK_USER_POOL_ID (the stack output UserPoolId)"
            ) from None
        raise


def sign_in(
    cognito: Any,
    *,
    client_id: str,
    user_pool_id: str | None,
    email: str,
    password: str,
    answers: Answers,
    srp_only: bool = False,
) -> dict[str, Any]:
    """Cognito's `AuthenticationResult` (IdToken, AccessToken, RefreshToken) once every challenge is answered.

    Cognito's refusals (`ClientError`: a wrong password, a wrong code) are raised as they come; a challenge this
    module does not answer is a `SignInError` naming it.
    """
    answer = first_step(
        cognito, client_id=client_id, user_pool_id=user_pool_id, email=email, password=password, srp_only=srp_only
    )
    for _ in range(MAX_CHALLENGES):
        if "AuthenticationResult" in answer:
            return dict(answer["AuthenticationResult"])
        challenge = answer.get("ChallengeName")
        if challenge == "NEW_PASSWORD_REQUIRED":
            answer = set_new_password(cognito, client_id, answer, email, answers.new_password())
        elif challenge == "SOFTWARE_TOKEN_MFA":
            answer = answer_totp(cognito, client_id, answer, username_of(answer, email), answers.totp_code())
        elif challenge == "MFA_SETUP":
            answer = set_up_totp(cognito, client_id, answer, email, answers)
        else:
            raise SignInError(f"Cognito asks for {challenge}, which nullcheck login does not support")
    raise SignInError(f"Cognito kept asking after {MAX_CHALLENGES} answers; try again")


def username_of(challenge: dict[str, Any], email: str) -> str:
    """The `USERNAME` a challenge answer names: Cognito's own name for the user when it gave one, else the email
    (the pool's sign-in alias)."""
    parameters = challenge.get("ChallengeParameters") or {}
    return str(parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or email)


def answer_totp(cognito: Any, client_id: str, challenge: dict[str, Any], username: str, code: str) -> dict[str, Any]:
    """Answer `SOFTWARE_TOKEN_MFA` with the authenticator's code."""
    answer = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code.strip()},
    )
    return dict(answer)


def set_up_totp(
    cognito: Any, client_id: str, challenge: dict[str, Any], email: str, answers: Answers
) -> dict[str, Any]:
    """Answer `MFA_SETUP`: a new authenticator for the user, proven with its first code, then the challenge."""
    associated = cognito.associate_software_token(Session=challenge["Session"])
    secret = str(associated["SecretCode"])
    code = answers.totp_setup_code(secret, otpauth_uri(secret, email))
    verified = cognito.verify_software_token(
        Session=associated.get("Session") or challenge["Session"], UserCode=code.strip(), FriendlyDeviceName=DEVICE_NAME
    )
    if verified.get("Status") != "SUCCESS":
        raise SignInError("Cognito did not accept the authenticator's code; run `nullcheck login` again")
    answer = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": username_of(challenge, email)},
    )
    return dict(answer)


def enable_totp(cognito: Any, access_token: str, email: str, answers: Answers) -> None:
    """A signed-in user's own authenticator (MFA `OPTIONAL` pools): set up, proven, and preferred from now on."""
    secret = str(cognito.associate_software_token(AccessToken=access_token)["SecretCode"])
    code = answers.totp_setup_code(secret, otpauth_uri(secret, email))
    verified = cognito.verify_software_token(
        AccessToken=access_token, UserCode=code.strip(), FriendlyDeviceName=DEVICE_NAME
    )
    if verified.get("Status") != "SUCCESS":
        raise SignInError("Cognito did not accept the authenticator's code; try again")
    cognito.set_user_mfa_preference(
        AccessToken=access_token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
