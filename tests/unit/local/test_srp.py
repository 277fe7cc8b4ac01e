"""The server side of Cognito's SRP against pycognito's client (the arithmetic the CLI signs in with).

pycognito computes the client's half on its own (`(B - k·g^x)^(a + u·x)`); the server computes
`(A·v^u)^b`. They meet only when the password is the one the verifier was made from.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pycognito.aws_srp import AWSSRP, N_HEX

from local.srp import N, PendingChallenges, ServerChallenge

POOL_ID = "us-east-1_AbCdEf123"
USER_ID = "2f7c6a1e-0000-4000-8000-000000000001"
PASSWORD = "Right-password-1"


def client(password: str) -> AWSSRP:
    # `client` is never called: the test carries the messages itself.
    return AWSSRP(username="user@example.com", password=password, pool_id=POOL_ID, client_id="client", client=object())


def exchange(password_known: str | None, password_typed: str) -> tuple[ServerChallenge, dict[str, Any]]:
    """A challenge for the password the pool holds, answered by a client that typed another (or the same)."""
    srp = client(password_typed)
    parameters = srp.get_auth_params()
    server = ServerChallenge.start(
        pool_name=POOL_ID.split("_")[1], user_id=USER_ID, password=password_known, srp_a=parameters["SRP_A"]
    )
    challenge = {
        "USERNAME": "internal-name",
        "USER_ID_FOR_SRP": USER_ID,
        "SALT": server.salt,
        "SRP_B": server.srp_b,
        "SECRET_BLOCK": server.secret_block,
    }
    return server, srp.process_challenge(challenge, parameters)


def test_the_right_password_proves_itself() -> None:
    server, answer = exchange(PASSWORD, PASSWORD)

    assert server.verifies(answer["PASSWORD_CLAIM_SIGNATURE"], answer["TIMESTAMP"])
    assert answer["PASSWORD_CLAIM_SECRET_BLOCK"] == server.secret_block


@pytest.mark.parametrize("typed", ["Wrong-password-1", PASSWORD.lower(), PASSWORD + " ", ""])
def test_any_other_password_does_not(typed: str) -> None:
    server, answer = exchange(PASSWORD, typed)

    assert not server.verifies(answer["PASSWORD_CLAIM_SIGNATURE"], answer["TIMESTAMP"])


def test_the_signature_covers_the_timestamp() -> None:
    server, answer = exchange(PASSWORD, PASSWORD)

    assert not server.verifies(answer["PASSWORD_CLAIM_SIGNATURE"], answer["TIMESTAMP"] + " ")


@pytest.mark.parametrize("signature", [None, 42, "", "not base64!", base64.b64encode(b"x" * 32).decode()])
def test_a_malformed_or_made_up_signature_is_refused(signature: Any) -> None:
    server, answer = exchange(PASSWORD, PASSWORD)

    assert not server.verifies(signature, answer["TIMESTAMP"])


def test_a_user_without_a_password_cannot_answer() -> None:
    server, answer = exchange(None, "")

    assert not server.verifies(answer["PASSWORD_CLAIM_SIGNATURE"], answer["TIMESTAMP"])


@pytest.mark.parametrize("srp_a", ["0", N_HEX, f"{2 * N:x}", "not hex", None])
def test_an_srp_a_srp_forbids_is_refused(srp_a: Any) -> None:
    # A ≡ 0 (mod N) would let a client compute S = 0 without the password.
    with pytest.raises(ValueError):
        ServerChallenge.start(pool_name="AbCdEf123", user_id=USER_ID, password=PASSWORD, srp_a=srp_a)


def test_every_challenge_is_new() -> None:
    first, _ = exchange(PASSWORD, PASSWORD)
    second, _ = exchange(PASSWORD, PASSWORD)

    assert first.salt != second.salt and first.srp_b != second.srp_b and first.secret_block != second.secret_block
    assert len(base64.b64decode(first.secret_block, validate=True)) == 64
    # The salt has no leading zero to lose: every client pads it the same way.
    assert first.salt[0] in "89abcdef" and len(first.salt) == 32


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_pending_challenge_is_taken_once() -> None:
    pending = PendingChallenges()
    server, _ = exchange(PASSWORD, PASSWORD)
    pending.add(server, "context")

    taken = pending.take(server.secret_block)

    assert taken is not None and taken.challenge is server and taken.context == "context"
    assert pending.take(server.secret_block) is None
    assert pending.take("unknown") is None and pending.take(None) is None


def test_a_pending_challenge_expires() -> None:
    clock = Clock()
    pending = PendingChallenges(ttl=180, clock=clock)
    late, _ = exchange(PASSWORD, PASSWORD)
    pending.add(late, None)

    clock.now += 180

    assert pending.take(late.secret_block) is None


def test_pending_challenges_are_bounded() -> None:
    pending = PendingChallenges(limit=2)
    challenges = [exchange(PASSWORD, PASSWORD)[0] for _ in range(3)]
    for challenge in challenges:
        pending.add(challenge, None)

    assert pending.take(challenges[0].secret_block) is None  # the oldest made room
    assert pending.take(challenges[2].secret_block) is not None
