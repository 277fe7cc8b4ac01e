"""Secrets a function reads at run time from SSM Parameter Store, once per execution environment.

A secret in a Lambda environment variable is readable by whoever may read the function's
configuration (`lambda:GetFunction`, `GetFunctionConfiguration`, the console) and sits in every
preview of the stack. A SecureString parameter is readable only by the principals IAM lets call
`ssm:GetParameter` on it: the functions whose catalog entry grants it. The environment names the
parameter and its version (`name:version`, a selector GetParameter takes), so a new value is a new
version, the function's configuration changes with it, and Lambda starts new execution
environments that read the new value.

Read on first use, not at import: an import never waits for AWS (a cold start pays only for the
client), and the first request of an execution environment pays one GetParameter. The value is then
kept for the life of the environment: it is the same for every request and every tenant, no
per-invocation state. With SnapStart it is read before the snapshot (`snapshot.before_snapshot`):
every environment resumed from the snapshot starts with it and none calls SSM. Lambda encrypts
snapshots, and a version's snapshot holds the value of the parameter version its environment names.
"""

from __future__ import annotations

from typing import Any

from handlers.core.runtime import snapshot


class SecureParameter:
    """A SecureString parameter's decrypted value, read once through `ssm` (a botocore SSM client)."""

    def __init__(self, ssm: Any, name: str) -> None:
        if not name:
            raise ValueError("a parameter name is required")
        self.ssm = ssm
        self.name = name
        """The parameter's name, optionally with a `:version` or `:label` selector."""
        self._value: str | None = None
        snapshot.before_snapshot(self.value)

    def value(self) -> str:
        """The decrypted value: GetParameter on the first call, the kept value after."""
        if self._value is None:
            answer = self.ssm.get_parameter(Name=self.name, WithDecryption=True)
            self._value = str(answer["Parameter"]["Value"])
        return self._value
